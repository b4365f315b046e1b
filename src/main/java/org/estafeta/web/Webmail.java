package org.estafeta.web;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.NotFoundResponse;
import io.javalin.http.UploadedFile;
import io.javalin.http.sse.SseClient;
import java.io.IOException;
import java.io.InputStream;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.estafeta.auth.AuthFailure;
import org.estafeta.auth.AuthResult;
import org.estafeta.delivery.Channel;
import org.estafeta.delivery.InboundMessage;
import org.estafeta.delivery.Refused;
import org.estafeta.mime.MailDate;
import org.estafeta.store.Account;
import org.estafeta.store.Filing;
import org.estafeta.store.Flag;
import org.estafeta.store.Mailbox;
import org.estafeta.store.MailboxStatus;
import org.estafeta.store.MessageInfo;
import org.estafeta.store.MessageSummaries;
import org.estafeta.store.MessageSummary;
import org.estafeta.store.TextSearch;
import org.estafeta.store.Messages;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The webmail pages: login, folders, message list, reading, actions, compose, and the change stream. */
final class Webmail {

    private static final Logger log = LoggerFactory.getLogger(Webmail.class);
    private static final int PAGE_SIZE = 50;
    private static final String THREADS_COOKIE = "estafeta_threads";
    /** Special-use folders first, in this order (RFC 6154), then the rest by name. */
    private static final List<String> SPECIAL_ORDER = List.of("\\Drafts", "\\Sent", "\\Archive", "\\Junk", "\\Trash");

    private final WebServer web;
    private final WebServer.Services s;
    private final Composer composer;
    /** What the list shows and searches: the store's cached summaries, the same IMAP writes its ENVELOPE from. */
    private final MessageSummaries summaries;

    Webmail(WebServer web, WebServer.Services services) {
        this.web = web;
        this.s = services;
        this.composer = new Composer(services.hostname());
        this.summaries = new MessageSummaries(services.messages(), services.blobs(), services.mimeParts());
    }

    void routes(RoutesConfig r) {
        r.get("/", ctx -> ctx.redirect("/box/" + inbox(WebServer.session(ctx)).id()));
        r.get("/login", this::loginForm);
        r.post("/login", this::login);
        r.post("/logout", this::logout);
        r.get("/box/{box}", this::mailbox);
        r.get("/box/{box}/msg/{uid}", this::message);
        r.get("/box/{box}/msg/{uid}/body", this::htmlBody);
        r.get("/box/{box}/msg/{uid}/part/{path}", this::download);
        r.get("/box/{box}/msg/{uid}/raw", this::original);
        r.post("/box/{box}/action", this::action);
        r.post("/box/{box}/empty", this::emptyTrash);
        r.post("/folders", this::folders);
        r.get("/compose", this::composeForm);
        r.post("/compose", this::compose);
        r.sse("/events", this::events);
    }

    // --- login ---

    private void loginForm(Context ctx) {
        String token = web.sessions().token();
        web.setLoginCookie(ctx, token);
        ctx.html(web.render("login.jte", new Views.LoginPage(web.chrome(ctx, WebServer.texts(ctx).t("login.title")), "", token, null)));
    }

    private void login(Context ctx) {
        String user = ctx.formParam("user") == null ? "" : ctx.formParam("user").strip();
        String password = ctx.formParam("password") == null ? "" : ctx.formParam("password");
        AuthResult result = s.authenticator().login(WebServer.clientAddress(ctx), user, password, "web");
        if (result instanceof AuthResult.Success(Account account)) {
            web.setSessionCookie(ctx, web.sessions().create(account.id()), -1);
            log.info("web login {} from {}", account.address(), ctx.req().getRemoteAddr());
            ctx.redirect("/");
            return;
        }
        AuthFailure why = ((AuthResult.Failure) result).reason();
        Texts t = WebServer.texts(ctx);
        String message = t.t(switch (why) {
            case THROTTLED -> "login.error.throttled";
            case UNAVAILABLE -> "login.error.unavailable";
            default -> "login.error.wrong";
        });
        ctx.status(why == AuthFailure.THROTTLED ? 429 : why == AuthFailure.UNAVAILABLE ? 503 : 401);
        String token = web.sessions().token();
        web.setLoginCookie(ctx, token);
        ctx.html(web.render("login.jte", new Views.LoginPage(web.chrome(ctx, t.t("login.title")), user, token, message)));
    }

    private void logout(Context ctx) {
        web.sessions().remove(WebServer.session(ctx));
        web.setSessionCookie(ctx, "", 0);
        ctx.redirect("/login");
    }

    // --- folders and lists ---

    private Mailbox inbox(WebSessions.Session session) {
        return s.mailboxes().mailbox(session.accountId, "INBOX").orElseThrow(() -> new NotFoundResponse("no INBOX"));
    }

    /** The mailbox named in the path, if it is the user's. */
    private Mailbox box(Context ctx) {
        WebSessions.Session session = WebServer.session(ctx);
        long id;
        try {
            id = Long.parseLong(ctx.pathParam("box"));
        } catch (NumberFormatException e) {
            throw new NotFoundResponse("error.noFolder");
        }
        return s.mailboxes().mailbox(id).filter(m -> m.accountId() == session.accountId)
                .orElseThrow(() -> new NotFoundResponse("error.noFolder"));
    }

    private Mailbox special(WebSessions.Session session, String use, String fallbackName) {
        return s.mailboxes().mailboxes(session.accountId).stream().filter(m -> use.equals(m.specialUse())).findFirst()
                .or(() -> s.mailboxes().mailbox(session.accountId, fallbackName))
                .orElseGet(() -> s.mailboxes().create(session.accountId, fallbackName, use));
    }

    List<Views.Folder> folders(Texts t, WebSessions.Session session, long current) {
        List<Mailbox> all = new ArrayList<>(s.mailboxes().mailboxes(session.accountId));
        all.sort(Comparator.comparingInt((Mailbox m) -> m.name().equals("INBOX") ? -1
                : m.specialUse() != null && SPECIAL_ORDER.contains(m.specialUse()) ? SPECIAL_ORDER.indexOf(m.specialUse()) : 100)
                .thenComparing(Mailbox::name, String.CASE_INSENSITIVE_ORDER));
        List<Views.Folder> out = new ArrayList<>();
        for (Mailbox m : all) {
            MailboxStatus st = s.mailboxes().status(m.id());
            String label = label(t, m);
            out.add(new Views.Folder(m.id(), m.name(), label, m.specialUse(), st.unseen(), st.messages(), m.id() == current));
        }
        return out;
    }

    /** The name shown for a folder: the special folders in the user's language, the others as they are named. */
    static String label(Texts t, Mailbox m) {
        if (m.name().equals("INBOX")) return t.t("folder.inbox");
        if (m.specialUse() != null && SPECIAL_ORDER.contains(m.specialUse())
                && m.name().equalsIgnoreCase(m.specialUse().substring(1))) return t.t("folder." + m.specialUse().substring(1).toLowerCase(Locale.ROOT));
        return m.name();
    }

    private static Views.Folder current(List<Views.Folder> folders) {
        return folders.stream().filter(Views.Folder::current).findFirst().orElseThrow();
    }

    private void mailbox(Context ctx) throws IOException {
        WebSessions.Session session = WebServer.session(ctx);
        Texts t = WebServer.texts(ctx);
        Mailbox box = box(ctx);
        String sort = oneOf(ctx.queryParam("sort"), List.of("date", "from", "subject", "size"), "date");
        String dir = oneOf(ctx.queryParam("dir"), List.of("asc", "desc"), "desc");
        String query = ctx.queryParam("q") == null ? "" : ctx.queryParam("q").strip();
        String field = oneOf(ctx.queryParam("field"), List.of("all", "from", "to", "subject", "body"), "all");
        List<MessageInfo> messages = new ArrayList<>(s.messages().list(box.id()));
        messages.removeIf(m -> m.has(Flag.DELETED));
        boolean threads = conversations(ctx);
        // A search, a sort by a header field and the conversation view read every summary; otherwise
        // only the page's are read.
        Map<Long, Listed> listed = new java.util.HashMap<>();
        if (!query.isEmpty() || threads || sort.equals("from") || sort.equals("subject")) listed.putAll(listed(box, messages));
        if (!query.isEmpty()) {
            List<MessageInfo> found = new ArrayList<>();
            try (TextSearch text = new TextSearch(s.messages(), s.blobs(), box.id())) {
                for (MessageInfo m : messages) if (matches(m, listed.get(m.uid()), field, query, text)) found.add(m);
            }
            messages = found;
        }
        Comparator<MessageInfo> order = switch (sort) {
            case "from" -> Comparator.comparing((MessageInfo m) -> listed.get(m.uid()).from().toLowerCase(Locale.ROOT));
            case "subject" -> Comparator.comparing((MessageInfo m) -> baseSubject(listed.get(m.uid()).subject()));
            case "size" -> Comparator.comparingLong(MessageInfo::size);
            default -> Comparator.comparing(MessageInfo::internalDate);
        };
        order = order.thenComparingLong(MessageInfo::uid);
        messages.sort(dir.equals("desc") ? order.reversed() : order);
        // Conversation view: one line per conversation (same subject without Re:/Fwd:), shown by its
        // first message in the chosen order, with how many there are; unread if any of them is.
        Map<String, List<MessageInfo>> groups = new java.util.LinkedHashMap<>();
        for (MessageInfo m : messages) {
            groups.computeIfAbsent(threads ? baseSubject(listed.get(m.uid()).subject()) : String.valueOf(m.uid()), k -> new ArrayList<>()).add(m);
        }
        List<List<MessageInfo>> lines = new ArrayList<>(groups.values());
        int pages = Math.max(1, (lines.size() + PAGE_SIZE - 1) / PAGE_SIZE);
        int page = Math.min(Math.max(1, intParam(ctx.queryParam("page"), 1)), pages);
        // In Sent and Drafts the other party is the recipient, as every mail client shows it.
        boolean showTo = "\\Sent".equals(box.specialUse()) || "\\Drafts".equals(box.specialUse());
        List<List<MessageInfo>> shown = lines.subList((page - 1) * PAGE_SIZE, Math.min(lines.size(), page * PAGE_SIZE));
        if (listed.isEmpty()) listed.putAll(listed(box, shown.stream().map(List::getFirst).toList()));
        List<Views.Row> rows = new ArrayList<>();
        for (List<MessageInfo> line : shown) {
            MessageInfo m = line.getFirst();
            boolean seen = line.stream().allMatch(x -> x.has(Flag.SEEN));
            Listed sum = listed.get(m.uid());
            String who = showTo ? sum.to() : sum.from();
            rows.add(new Views.Row(m.uid(), who.isEmpty() ? t.t(showTo ? "list.nobodyTo" : "list.nobody") : who,
                    sum.subject().isEmpty() ? t.t("message.noSubject") : sum.subject(),
                    t.listDate(m.internalDate()), t.size(m.size()),
                    seen, line.stream().anyMatch(x -> x.has(Flag.FLAGGED)), m.has(Flag.ANSWERED), m.has(Flag.DRAFT), line.size()));
        }
        List<Views.Folder> folders = folders(t, session, box.id());
        String listUrl = ctx.path() + (ctx.queryString() == null ? "" : "?" + ctx.queryString());
        ctx.html(web.render("mail.jte", new Views.MailPage(web.chrome(ctx, current(folders).label()), folders, current(folders), rows,
                page, pages, messages.size(), sort, dir, query, field, "\\Trash".equals(box.specialUse()), showTo, threads, listUrl)));
    }

    /** Whether the list groups conversations: {@code ?threads=1|0} switches and is remembered in a cookie. */
    private static boolean conversations(Context ctx) {
        String asked = ctx.queryParam("threads");
        if (asked == null) return "1".equals(ctx.cookie(THREADS_COOKIE));
        boolean on = asked.equals("1");
        ctx.res().addHeader("Set-Cookie", THREADS_COOKIE + "=" + (on ? "1" : "0") + "; Path=/; Max-Age=31536000; SameSite=Lax; HttpOnly"
                + (ctx.req().isSecure() ? "; Secure" : ""));
        return on;
    }

    /** Search as IMAP SEARCH does: case-insensitive substring of decoded header fields, or of the text parts. */
    private static boolean matches(MessageInfo m, Listed sum, String field, String query, TextSearch text) throws IOException {
        String q = query.toLowerCase(Locale.ROOT);
        boolean from = sum.from().toLowerCase(Locale.ROOT).contains(q);
        boolean to = (sum.to() + " " + sum.cc()).toLowerCase(Locale.ROOT).contains(q);
        boolean subject = sum.subject().toLowerCase(Locale.ROOT).contains(q);
        return switch (field) {
            case "from" -> from;
            case "to" -> to;
            case "subject" -> subject;
            case "body" -> text.contains(m.blob(), q, false);
            default -> from || to || subject || text.contains(m.blob(), q, false);
        };
    }

    /** What the list shows and searches of a message: its summary's fields as text (all empty when it has none). */
    record Listed(String from, String to, String cc, String subject) {
        static final Listed NONE = new Listed("", "", "", "");

        static Listed of(MessageSummary s) {
            return new Listed(text(s.from()), text(s.to()), text(s.cc()), s.subject() == null ? "" : s.subject().strip());
        }

        private static String text(List<MessageSummary.Address> addresses) {
            List<String> out = new ArrayList<>();
            for (MessageSummary.Address a : addresses) {
                String address = a.address() == null ? "" : a.address();
                out.add(a.name() == null ? address : a.name() + " <" + address + ">");
            }
            return String.join(", ", out);
        }
    }

    private Map<Long, Listed> listed(Mailbox box, List<MessageInfo> messages) {
        Map<Long, MessageSummary> found = summaries.of(box.id(), messages);
        Map<Long, Listed> out = new java.util.HashMap<>();
        for (MessageInfo m : messages) {
            MessageSummary sum = found.get(m.uid());
            out.put(m.uid(), sum == null ? Listed.NONE : Listed.of(sum));
        }
        return out;
    }

    private static String baseSubject(String subject) {
        return subject.toLowerCase(Locale.ROOT).replaceAll("^((re|fwd?|aw|rv)\\s*:\\s*)+", "");
    }

    // --- reading ---

    private MessageInfo find(Mailbox box, Context ctx) {
        long uid;
        try {
            uid = Long.parseLong(ctx.pathParam("uid"));
        } catch (NumberFormatException e) {
            throw new NotFoundResponse("error.noMessage");
        }
        return s.messages().list(box.id()).stream().filter(m -> m.uid() == uid).findFirst()
                .orElseThrow(() -> new NotFoundResponse("error.noMessage"));
    }

    private byte[] read(String blob) throws IOException {
        try (InputStream in = s.blobs().open(blob)) {
            return in.readAllBytes();
        }
    }

    private void message(Context ctx) throws IOException {
        WebSessions.Session session = WebServer.session(ctx);
        Texts t = WebServer.texts(ctx);
        Mailbox box = box(ctx);
        MessageInfo m = find(box, ctx);
        RenderedMessage msg = RenderedMessage.of(read(m.blob()), s.mimeParts());
        if (!m.has(Flag.SEEN)) {
            s.messages().setFlags(box.id(), List.of(m.uid()), Messages.Mode.ADD, Flag.SEEN.bit(), List.of(), -1);
        }
        boolean images = "1".equals(ctx.queryParam("images"));
        int blocked = 0;
        if (msg.html != null) {
            blocked = HtmlPolicy.sanitize(msg.text(msg.html), false, cid -> null).blockedImages();
        }
        List<Views.Attachment> attachments = new ArrayList<>();
        for (RenderedMessage.Part p : msg.attachments) {
            String name = p.filename() != null ? Downloads.safeFilename(p.filename())
                    : "part-" + p.path() + (p.part().isMessage() ? ".eml" : "");
            attachments.add(new Views.Attachment(p.path(), name, p.type(), t.size(msg.partSize(p)), p.contentId() != null));
        }
        List<MessageInfo> all = s.messages().list(box.id());
        Long newer = all.stream().filter(x -> x.uid() > m.uid() && !x.has(Flag.DELETED)).map(MessageInfo::uid).min(Long::compare).orElse(null);
        Long older = all.stream().filter(x -> x.uid() < m.uid() && !x.has(Flag.DELETED)).map(MessageInfo::uid).max(Long::compare).orElse(null);
        String text = msg.plain != null ? msg.text(msg.plain) : msg.html == null ? "" : null;
        ZonedDateTime date = MailDate.parse(msg.rawHeader("Date"));
        List<Views.Folder> folders = folders(t, session, box.id());
        String subject = msg.header("Subject").isEmpty() ? t.t("message.noSubject") : msg.header("Subject");
        ctx.html(web.render("message.jte", new Views.MessagePage(web.chrome(ctx, subject), folders, current(folders), m.uid(),
                msg.header("From"), msg.header("To"), msg.header("Cc"),
                date == null ? t.fullDate(m.internalDate()) : t.fullDate(date),
                subject, text, msg.html != null, images, blocked, attachments, true, m.has(Flag.FLAGGED), newer, older,
                !"\\Archive".equals(box.specialUse()))));
    }

    /** The sanitised HTML body as its own document, for the sandboxed iframe. */
    private void htmlBody(Context ctx) throws IOException {
        Mailbox box = box(ctx);
        MessageInfo m = find(box, ctx);
        RenderedMessage msg = RenderedMessage.of(read(m.blob()), s.mimeParts());
        if (msg.html == null) throw new NotFoundResponse("error.noHtml");
        boolean images = "1".equals(ctx.queryParam("images"));
        String base = "/box/" + box.id() + "/msg/" + m.uid() + "/part/";
        var sanitized = HtmlPolicy.sanitize(msg.text(msg.html), images, cid -> {
            RenderedMessage.Part p = msg.byContentId(cid);
            return p == null ? null : base + p.path() + "?inline=1";
        });
        ctx.header("Content-Security-Policy", HtmlPolicy.documentCsp(images));
        ctx.header("X-Frame-Options", "SAMEORIGIN");
        ctx.html(HtmlPolicy.document(sanitized.html()));
    }

    private void download(Context ctx) throws IOException {
        Mailbox box = box(ctx);
        MessageInfo m = find(box, ctx);
        RenderedMessage msg = RenderedMessage.of(read(m.blob()), s.mimeParts());
        RenderedMessage.Part p = msg.part(ctx.pathParam("path"));
        if (p == null) throw new NotFoundResponse("error.noAttachment");
        String type = p.type().toLowerCase(Locale.ROOT);
        boolean inline = "1".equals(ctx.queryParam("inline")) && Downloads.INLINE_IMAGES.contains(type);
        String name = p.filename() != null ? p.filename() : "part-" + p.path() + (p.part().isMessage() ? ".eml" : "");
        ctx.header("Content-Security-Policy", "default-src 'none'; sandbox");
        ctx.header("Cache-Control", "private, max-age=600");
        ctx.header("Content-Disposition", Downloads.contentDisposition(inline ? "inline" : "attachment", name));
        ctx.contentType(inline ? type : type.matches("[a-z0-9.+-]+/[a-z0-9.+-]+") ? type : "application/octet-stream");
        ctx.result(msg.decoded(p));
    }

    private void original(Context ctx) throws IOException {
        Mailbox box = box(ctx);
        MessageInfo m = find(box, ctx);
        ctx.header("Content-Security-Policy", "default-src 'none'; sandbox");
        if ("1".equals(ctx.queryParam("download"))) {
            ctx.header("Content-Disposition", Downloads.contentDisposition("attachment", "message-" + m.uid() + ".eml"));
            ctx.contentType("message/rfc822");
        } else {
            ctx.contentType("text/plain; charset=utf-8");
        }
        ctx.result(read(m.blob()));
    }

    // --- actions ---

    private void action(Context ctx) {
        WebSessions.Session session = WebServer.session(ctx);
        Texts t = WebServer.texts(ctx);
        Mailbox box = box(ctx);
        List<Long> uids = new ArrayList<>();
        for (String u : ctx.formParams("uid")) {
            try {
                uids.add(Long.parseLong(u));
            } catch (NumberFormatException ignored) {
                // not a UID: skipped
            }
        }
        String what = oneOf(ctx.formParam("do"), List.of("read", "unread", "flag", "unflag", "delete", "move", "archive"), "");
        String back = safeBack(ctx.formParam("back"), "/box/" + box.id());
        if (uids.isEmpty() || what.isEmpty()) {
            WebServer.refused(ctx, back, t.t("action.selectFirst"));
            return;
        }
        String notice;
        switch (what) {
            case "read", "unread" -> {
                s.messages().setFlags(box.id(), uids, what.equals("read") ? Messages.Mode.ADD : Messages.Mode.REMOVE, Flag.SEEN.bit(), List.of(), -1);
                notice = t.t("action.marked." + what);
            }
            case "flag", "unflag" -> {
                s.messages().setFlags(box.id(), uids, what.equals("flag") ? Messages.Mode.ADD : Messages.Mode.REMOVE, Flag.FLAGGED.bit(), List.of(), -1);
                notice = t.t("action." + what + "ged");
            }
            case "move", "archive" -> {
                Mailbox to;
                if (what.equals("archive")) {
                    to = special(session, "\\Archive", "Archive");
                } else {
                    long target;
                    try {
                        target = Long.parseLong(ctx.formParam("target"));
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException("error.chooseTarget");
                    }
                    to = s.mailboxes().mailbox(target).filter(x -> x.accountId() == session.accountId)
                            .orElseThrow(() -> new NotFoundResponse("error.noFolder"));
                }
                if (to.id() != box.id()) s.messages().copy(box.id(), uids, to.id(), true);
                notice = t.t("action.moved", label(t, to));
                back = safeBack(ctx.formParam("then"), "/box/" + box.id());
            }
            default -> {
                Mailbox trash = special(session, "\\Trash", "Trash");
                if (trash.id() == box.id()) {
                    s.messages().delete(box.id(), uids);
                    notice = t.t("action.deleted");
                } else {
                    s.messages().copy(box.id(), uids, trash.id(), true);
                    notice = t.t("action.moved", label(t, trash));
                }
                back = safeBack(ctx.formParam("then"), "/box/" + box.id());
            }
        }
        WebServer.done(ctx, back, notice);
    }

    private void emptyTrash(Context ctx) {
        Mailbox box = box(ctx);
        if (!"\\Trash".equals(box.specialUse())) throw new IllegalArgumentException("error.onlyTrash");
        List<Long> uids = s.messages().list(box.id()).stream().map(MessageInfo::uid).toList();
        s.messages().delete(box.id(), uids);
        WebServer.done(ctx, "/box/" + box.id(), WebServer.texts(ctx).t("action.trashEmptied"));
    }

    private void folders(Context ctx) {
        WebSessions.Session session = WebServer.session(ctx);
        String what = oneOf(ctx.formParam("do"), List.of("create", "rename", "delete"), "create");
        String name = ctx.formParam("name") == null ? "" : ctx.formParam("name").strip();
        Mailbox of = null;
        if (!what.equals("create")) {
            try {
                of = s.mailboxes().mailbox(Long.parseLong(ctx.formParam("folder"))).filter(m -> m.accountId() == session.accountId).orElse(null);
            } catch (NumberFormatException ignored) {
                // reported below
            }
            if (of == null || of.specialUse() != null || of.name().equals("INBOX")) {
                throw new IllegalArgumentException("error.ownFolder");
            }
        }
        if (!what.equals("delete")) {
            if (!Mailbox.validName(name) || name.equalsIgnoreCase("INBOX")) {
                throw new IllegalArgumentException("error.folderName");
            }
        }
        switch (what) {
            case "create" -> {
                s.mailboxes().create(session.accountId, name, null);
                s.mailboxes().subscribe(session.accountId, name, true);
            }
            case "rename" -> {
                s.mailboxes().rename(session.accountId, of.name(), name);
                s.mailboxes().subscribe(session.accountId, name, true);
            }
            default -> s.mailboxes().delete(of.id());
        }
        WebServer.done(ctx, "/", WebServer.texts(ctx).t("folders.done." + what));
    }

    // --- compose ---

    private void composeForm(Context ctx) throws IOException {
        WebSessions.Session session = WebServer.session(ctx);
        Texts t = WebServer.texts(ctx);
        String to = "", cc = "", subject = "", body = "", inReplyTo = "", references = "", forward = "";
        String mode = oneOf(ctx.queryParam("mode"), List.of("reply", "all", "forward", "attach"), "");
        if (!mode.isEmpty() && ctx.queryParam("box") != null) {
            Mailbox box = s.mailboxes().mailbox(intParam(ctx.queryParam("box"), -1)).filter(m -> m.accountId() == session.accountId)
                    .orElseThrow(() -> new NotFoundResponse("error.noFolder"));
            long uid = intParam(ctx.queryParam("uid"), -1);
            MessageInfo m = s.messages().list(box.id()).stream().filter(x -> x.uid() == uid).findFirst()
                    .orElseThrow(() -> new NotFoundResponse("error.noMessage"));
            RenderedMessage msg = RenderedMessage.of(read(m.blob()), s.mimeParts());
            String original = msg.plain != null ? msg.text(msg.plain)
                    : msg.html != null ? msg.text(msg.html).replaceAll("(?s)<style.*?</style>", "").replaceAll("<[^>]*>", " ") : "";
            String subj = msg.header("Subject");
            if (mode.equals("reply") || mode.equals("all")) {
                String replyTo = msg.header("Reply-To");
                to = replyTo.isEmpty() ? msg.header("From") : replyTo;
                if (mode.equals("all")) {
                    List<String> others = new ArrayList<>();
                    for (String f : List.of("To", "Cc")) {
                        for (String a : msg.header(f).split(",")) {
                            if (!a.isBlank() && !a.toLowerCase(Locale.ROOT).contains(session.address)) others.add(a.strip());
                        }
                    }
                    cc = String.join(", ", others);
                }
                subject = subj.regionMatches(true, 0, "Re:", 0, 3) ? subj : "Re: " + subj;
                ZonedDateTime sent = MailDate.parse(msg.rawHeader("Date"));
                String when = sent == null ? t.fullDate(m.internalDate()) : t.fullDate(sent);
                body = "\n\n" + t.t("compose.quoteIntro", when, msg.header("From")) + "\n"
                        + original.lines().map(l -> "> " + l).reduce("", (a, b) -> a + b + "\n");
                inReplyTo = msg.rawHeader("Message-ID");
                references = (msg.rawHeader("References") + " " + inReplyTo).strip();
                forward = "";
            } else {
                subject = "Fwd: " + subj;
                if (mode.equals("attach")) {
                    forward = box.id() + ":" + uid;
                } else {
                    body = "\n\n---------- " + t.t("compose.forwarded") + " ----------\n" + t.t("header.from") + ": " + msg.header("From")
                            + "\n" + t.t("header.date") + ": " + msg.header("Date") + "\n" + t.t("header.subject") + ": " + subj
                            + "\n" + t.t("header.to") + ": " + msg.header("To") + "\n\n" + original;
                }
            }
            // Header fields of a received message may be folded oddly: keep them on one line.
            inReplyTo = oneLine(inReplyTo);
            references = oneLine(references);
            to = oneLine(to);
            cc = oneLine(cc);
            subject = oneLine(subject);
        }
        ctx.html(web.render("compose.jte", new Views.ComposePage(web.chrome(ctx, t.t("compose.title")), folders(t, session, -1), to, cc, "", subject, body,
                inReplyTo, references, forward, null)));
    }

    private static String oneLine(String s) {
        return s.replaceAll("[\\r\\n]+\\s*", " ").strip();
    }

    private void compose(Context ctx) throws IOException {
        WebSessions.Session session = WebServer.session(ctx);
        Texts t = WebServer.texts(ctx);
        Account account = s.admin().account(session.address).orElseThrow(() -> new NotFoundResponse("no such account"));
        boolean send = !"draft".equals(ctx.formParam("do"));
        List<Composer.Upload> uploads = new ArrayList<>();
        for (UploadedFile f : ctx.uploadedFiles("attachments")) {
            if (f.filename() == null || f.filename().isBlank()) continue;
            try (InputStream in = f.content()) {
                uploads.add(new Composer.Upload(f.filename(), f.contentType(), in.readAllBytes()));
            }
        }
        byte[] forwarded = null;
        String forward = value(ctx, "forward");
        if (!forward.isEmpty()) forwarded = referenced(session, forward).map(this::readQuietly).orElse(null);
        var draft = new Composer.Draft(session.address, value(ctx, "to"), value(ctx, "cc"), value(ctx, "bcc"), value(ctx, "subject"),
                value(ctx, "body"), value(ctx, "in_reply_to"), value(ctx, "references"), uploads, forwarded);
        try {
            Composer.Built built = composer.build(draft, send);
            if (send) {
                var channel = Channel.webmail(WebServer.clientAddress(ctx), ctx.req().isSecure(), account);
                String id = s.inbound().send(account, session.address, built.recipients(), built.withoutBcc(), channel);
                log.info("web {}: {} sent by {} to {} recipient(s)", ctx.req().getRemoteAddr(), id, session.address, built.recipients().size());
                if (!value(ctx, "in_reply_to").isEmpty()) markAnswered(session, value(ctx, "in_reply_to"));
                String said = t.t("compose.sent");
                try {
                    store(session, special(session, "\\Sent", "Sent"), built.withBcc(), Flag.SEEN.bit());
                } catch (Refused notKept) {
                    // The message is gone already: saying "not sent" now would make the user send it twice.
                    log.warn("web {}: {} sent, but its copy for {}'s Sent was refused: {}", ctx.req().getRemoteAddr(), id, session.address,
                            notKept.getMessage());
                    said = t.t("compose.sentNotKept") + " " + notKept.getMessage();
                }
                WebServer.done(ctx, "/box/" + inbox(session).id(), said);
            } else {
                store(session, special(session, "\\Drafts", "Drafts"), built.withBcc(), Flag.SEEN.bit() | Flag.DRAFT.bit());
                WebServer.done(ctx, "/box/" + special(session, "\\Drafts", "Drafts").id(), t.t("compose.draftSaved"));
            }
        } catch (Composer.Invalid | Refused e) {
            ctx.status(400);
            String why = e instanceof Composer.Invalid invalid ? invalid.text(t) : e.getMessage();
            ctx.html(web.render("compose.jte", new Views.ComposePage(web.chrome(ctx, t.t("compose.title")), folders(t, session, -1),
                    oneLine(draft.to()), oneLine(draft.cc()), oneLine(draft.bcc()), oneLine(draft.subject()), draft.body(),
                    oneLine(draft.inReplyTo()), oneLine(draft.references()), forward, why)));
        }
    }

    private static String value(Context ctx, String name) {
        String v = ctx.formParam(name);
        return v == null ? "" : v;
    }

    /** {@code box:uid} of one of the user's messages. */
    private java.util.Optional<MessageInfo> referenced(WebSessions.Session session, String ref) {
        String[] parts = ref.split(":");
        if (parts.length != 2) return java.util.Optional.empty();
        long boxId = intParam(parts[0], -1), uid = intParam(parts[1], -1);
        return s.mailboxes().mailbox(boxId).filter(m -> m.accountId() == session.accountId)
                .flatMap(b -> s.messages().list(b.id()).stream().filter(m -> m.uid() == uid).findFirst());
    }

    private byte[] readQuietly(MessageInfo m) {
        try {
            return read(m.blob());
        } catch (IOException e) {
            return null;
        }
    }

    /** The message the reply answers (by Message-ID, in the INBOX) gets \Answered. */
    private void markAnswered(WebSessions.Session session, String messageId) {
        Mailbox inbox = inbox(session);
        List<MessageInfo> all = s.messages().list(inbox.id());
        Map<Long, MessageSummary> found = summaries.of(inbox.id(), all);
        for (MessageInfo m : all) {
            MessageSummary sum = found.get(m.uid());
            if (sum != null && sum.messageId() != null && sum.messageId().strip().equals(messageId.strip())) {
                s.messages().setFlags(inbox.id(), List.of(m.uid()), Messages.Mode.ADD, Flag.ANSWERED.bit(), List.of(), -1);
                return;
            }
        }
    }

    /** A copy for the user's own Sent or Drafts, through the inbound path as IMAP APPEND goes. */
    private void store(WebSessions.Session session, Mailbox box, byte[] message, int flags) throws IOException, Refused {
        try (InboundMessage m = s.inbound().openFiled(session.address, new Filing(session.accountId, box.name(), flags, List.of()))) {
            m.write(message);
            m.commit();
        }
    }

    // --- new mail without reloading ---

    /** Server-sent events: {@code changed} whenever the account's mailboxes change, a comment every 20 s otherwise. */
    private void events(SseClient client) {
        WebSessions.Session session = WebServer.session(client.ctx());
        Semaphore changed = new Semaphore(0);
        try (var subscription = s.events().subscribe(session.accountId, mailbox -> changed.release())) {
            while (!client.terminated()) {
                if (changed.tryAcquire(20, TimeUnit.SECONDS)) {
                    changed.drainPermits();
                    client.sendEvent("changed", "1");
                    Thread.sleep(500);
                } else {
                    client.sendComment("ping");
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // --- small helpers ---

    private static String oneOf(String value, List<String> allowed, String otherwise) {
        return value != null && allowed.contains(value) ? value : otherwise;
    }

    static int intParam(String v, int otherwise) {
        try {
            return v == null ? otherwise : Integer.parseInt(v.strip());
        } catch (NumberFormatException e) {
            return otherwise;
        }
    }

    static String url(String s) {
        return java.net.URLEncoder.encode(s, java.nio.charset.StandardCharsets.UTF_8);
    }

    /** Only our own paths: never an absolute or protocol-relative URL (no open redirect). */
    static String safeBack(String back, String otherwise) {
        return back != null && back.startsWith("/") && !back.startsWith("//") && !back.contains("\\")
                && back.chars().noneMatch(c -> c < 32) ? back : otherwise;
    }

}
