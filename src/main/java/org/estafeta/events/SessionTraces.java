package org.estafeta.events;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import org.estafeta.net.Connection;
import org.estafeta.net.Trace;

/**
 * The live view of the protocol sessions, for learners and administrators: every connection of every
 * mail listener reports its dialogue here (masked and shortened by its {@code net.Wiretap}), and
 * whoever watches gets the lines that match their {@link Filter}, as they happen. Nothing is kept:
 * a line nobody watches is never built, and a watcher's lines wait only in its own bounded queue.
 * A watcher too slow to keep up loses lines (and is told how many), never slows a mail session: the
 * session only offers to the queue.
 *
 * <p>Who may see what: a user sees the sessions that logged in as them, from their first line (the
 * lines before the login are held per session, while anybody watches, and replayed at the login);
 * an administrator may watch any session. An MX session without AUTH is not bound to its recipients'
 * accounts: it may carry other people's envelopes (Bcc recipients, other senders), so only
 * administrators see it.
 */
public final class SessionTraces implements Trace.Tap {

    private static final java.util.regex.Pattern CONTROL = java.util.regex.Pattern.compile("[\\p{Cntrl}\u2028\u2029]");

    /** Lines of a session held before its login, for its owner who watches from the start. */
    static final int BEFORE_LOGIN = 200;

    /**
     * One line of one session.
     *
     * @param kind {@code C}, {@code S}, {@code TLS}; {@code OPEN}, {@code LOGIN}, {@code CLOSE}; or
     *             {@code DROPPED} (this watcher lost lines, {@code text} says how many)
     */
    public record Event(long seq, Instant at, String session, String protocol, String remote, String user, String kind, String text) {
        /**
         * One line for a terminal or a log: time, session, protocol, peer, user, then the line, with
         * control characters shown as {@code ?} (a client's escape sequence must not reach a terminal).
         */
        public String format() {
            String line = at + " " + session + " " + protocol + " " + remote + " " + (user == null ? "-" : user) + " " + kind
                    + (kind.equals("C") || kind.equals("S") ? ": " : " ") + text;
            return CONTROL.matcher(line).replaceAll("?");
        }
    }

    /**
     * What a watcher wants to see; null fields match anything.
     *
     * @param owner    only sessions logged in as this account (a user watching their own)
     * @param protocol a listener ({@code smtps}) or a family ({@code smtp} is every SMTP listener)
     * @param address  an account (has an {@code @}): sessions logged in as it; else the client's IP address
     * @param session  one session by its id
     */
    public record Filter(String owner, String protocol, String address, String session) {
        public Filter {
            owner = normal(owner);
            protocol = normal(protocol);
            address = normal(address);
            session = normal(session);
        }

        public static Filter own(String account) {
            return new Filter(account, null, null, null);
        }

        boolean matches(Live s, String user) {
            if (owner != null && !owner.equals(user)) return false;
            if (session != null && !session.equals(s.id)) return false;
            if (protocol != null && !s.protocol.equals(protocol) && !family(s.protocol).equals(protocol)) return false;
            if (address != null) return address.contains("@") ? address.equals(user) : address.equals(s.ip);
            return true;
        }

        private static String normal(String s) {
            return s == null || s.isBlank() ? null : s.strip().toLowerCase(Locale.ROOT);
        }
    }

    /** A session open now. */
    public record SessionInfo(String id, String protocol, String remote, String user, Instant started) {
    }

    private final int bufferLines;
    private final int excerptLines;
    private final AtomicLong seq = new AtomicLong();
    private final CopyOnWriteArrayList<Subscription> watchers = new CopyOnWriteArrayList<>();
    private final ConcurrentHashMap<String, Live> live = new ConcurrentHashMap<>();

    /**
     * @param bufferLines  lines one watcher may have waiting before it loses some
     * @param excerptLines lines of a message body or literal shown before "… N bytes"
     */
    public SessionTraces(int bufferLines, int excerptLines) {
        if (bufferLines < 1) throw new IllegalArgumentException("the trace buffer needs at least one line");
        this.bufferLines = bufferLines;
        this.excerptLines = excerptLines;
    }

    @Override
    public Trace open(String protocol, Connection connection) {
        Live s = new Live(connection.id(), protocol, connection.remoteAddress().getHostAddress());
        live.put(s.id, s);
        if (!watchers.isEmpty()) s.emit("OPEN", "connected to port " + connection.localAddress().getPort());
        return s;
    }

    @Override
    public int excerptLines() {
        return excerptLines;
    }

    /** The sessions open now, oldest first; only those the filter lets see when one is given. */
    public List<SessionInfo> sessions(Filter filter) {
        return live.values().stream().filter(s -> filter == null || filter.matches(s, s.user))
                .map(s -> new SessionInfo(s.id, s.protocol, s.ip, s.user, s.started))
                .sorted(Comparator.comparing(SessionInfo::started)).toList();
    }

    /** Starts watching; close the subscription to stop. */
    public Subscription subscribe(Filter filter) {
        Subscription sub = new Subscription(filter);
        watchers.add(sub);
        return sub;
    }

    /** Watchers now (tests, status). */
    public int watchers() {
        return watchers.size();
    }

    /** One watcher's lines: a bounded queue the sessions offer to and never wait on. */
    public final class Subscription implements AutoCloseable {
        private final Filter filter;
        private final ArrayBlockingQueue<Event> queue = new ArrayBlockingQueue<>(bufferLines);
        private final AtomicLong dropped = new AtomicLong();

        private Subscription(Filter filter) {
            this.filter = filter;
        }

        private void offer(Event e) {
            if (!queue.offer(e)) dropped.incrementAndGet();
        }

        /**
         * The lines waiting, after waiting up to {@code wait} for the first; empty when none came. Lines
         * lost since the last call are reported first, as one {@code DROPPED} event.
         */
        public List<Event> next(Duration wait) throws InterruptedException {
            List<Event> out = new ArrayList<>();
            Event first = queue.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
            long lost = dropped.getAndSet(0);
            if (lost > 0) {
                out.add(new Event(seq.incrementAndGet(), Instant.now(), "-", "-", "-", null, "DROPPED",
                        lost + " lines dropped: this viewer did not keep up"));
            }
            if (first != null) {
                out.add(first);
                queue.drainTo(out);
            }
            return out;
        }

        @Override
        public void close() {
            watchers.remove(this);
        }
    }

    /** One connection's trace. Its methods run on the connection's own thread. */
    private final class Live implements Trace {
        final String id;
        final String protocol;
        final String ip;
        final Instant started = Instant.now();
        /** Set once at login; read by watchers' threads (sessions()). */
        volatile String user;
        /** Lines before the login, held only while anybody watches, for the owner's replay. */
        private final ArrayDeque<Event> beforeLogin = new ArrayDeque<>();
        private final ReentrantLock lock = new ReentrantLock();

        Live(String id, String protocol, String ip) {
            this.id = id;
            this.protocol = protocol;
            this.ip = ip;
        }

        @Override
        public boolean watched() {
            return !watchers.isEmpty();
        }

        @Override
        public void line(Kind kind, String text) {
            emit(switch (kind) {
                case CLIENT -> "C";
                case SERVER -> "S";
                case TLS -> "TLS";
            }, text);
        }

        void emit(String kind, String text) {
            if (watchers.isEmpty()) return;
            Event e = new Event(seq.incrementAndGet(), Instant.now(), id, protocol, ip, user, kind, text);
            if (user == null) {
                lock.lock();
                try {
                    if (beforeLogin.size() == BEFORE_LOGIN) beforeLogin.removeFirst();
                    beforeLogin.addLast(e);
                } finally {
                    lock.unlock();
                }
            }
            for (Subscription w : watchers) if (w.filter.matches(this, user)) w.offer(e);
        }

        @Override
        public void user(String address) {
            String account = address.toLowerCase(Locale.ROOT);
            List<Event> held;
            lock.lock();
            try {
                held = List.copyOf(beforeLogin);
                beforeLogin.clear();
            } finally {
                lock.unlock();
            }
            user = account;
            // Watchers who could not see this session before its login see its beginning now.
            for (Subscription w : watchers) {
                if (!w.filter.matches(this, null) && w.filter.matches(this, account)) held.forEach(w::offer);
            }
            emit("LOGIN", "logged in as " + account);
        }

        @Override
        public void closed() {
            live.remove(id);
            emit("CLOSE", "connection closed");
        }
    }

    private static String family(String protocol) {
        return switch (protocol) {
            case "submission", "smtps", "odmr" -> "smtp";
            case "pop3s" -> "pop3";
            case "imaps" -> "imap";
            default -> protocol;
        };
    }
}
