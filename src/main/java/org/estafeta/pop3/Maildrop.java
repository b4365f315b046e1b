package org.estafeta.pop3;

import java.util.ArrayList;
import java.util.List;
import org.estafeta.store.Mailbox;
import org.estafeta.store.MessageInfo;

/**
 * The INBOX as one POP3 session sees it: the messages present at login, numbered from 1 in UID
 * order, with the session's deletion and retrieval marks (RFC 1939 §5). Message numbers are a view
 * over the INBOX's UIDs, so the session works on the same message API as IMAP and the webmail, by
 * UID. Nothing here touches the store; QUIT applies the marks.
 */
final class Maildrop {

    private final Mailbox inbox;
    private final List<MessageInfo> messages;
    private final boolean[] deleted;
    private final boolean[] retrieved;
    /** Counts over the messages not marked deleted, kept up to date for STAT. */
    private int count;
    private long octets;

    Maildrop(Mailbox inbox, List<MessageInfo> messages) {
        this.inbox = inbox;
        this.messages = List.copyOf(messages);
        this.deleted = new boolean[messages.size()];
        this.retrieved = new boolean[messages.size()];
        reset();
    }

    Mailbox inbox() {
        return inbox;
    }

    /** Messages not marked deleted. */
    int count() {
        return count;
    }

    /** Their total size in octets. */
    long octets() {
        return octets;
    }

    /** Highest message number, deleted ones included. */
    int highest() {
        return messages.size();
    }

    boolean exists(int number) {
        return number >= 1 && number <= messages.size() && !deleted[number - 1];
    }

    /** Message {@code number}; RFC 1939 §5: a message marked deleted may not be referred to. */
    MessageInfo get(int number) throws Pop3Exception {
        if (number < 1 || number > messages.size()) {
            throw new Pop3Exception("no such message, only " + messages.size() + " messages in maildrop");
        }
        if (deleted[number - 1]) throw new Pop3Exception("no such message, " + number + " is marked deleted");
        return messages.get(number - 1);
    }

    /**
     * The unique-id of RFC 1939 §7: UIDVALIDITY "." UID, so stable across sessions and the same
     * message as IMAP's (RFC 9051 §2.3.1.1).
     */
    String uidl(int number) {
        return inbox.uidValidity() + "." + messages.get(number - 1).uid();
    }

    void delete(int number) throws Pop3Exception {
        MessageInfo m = get(number);
        deleted[number - 1] = true;
        count--;
        octets -= m.size();
    }

    void markRetrieved(int number) {
        retrieved[number - 1] = true;
    }

    /** RSET: unmarks every deleted message. */
    void reset() {
        java.util.Arrays.fill(deleted, false);
        count = messages.size();
        octets = 0;
        for (MessageInfo m : messages) octets += m.size();
    }

    /** UIDs of the messages marked deleted. */
    List<Long> deletedUids() {
        List<Long> out = new ArrayList<>();
        for (int i = 0; i < messages.size(); i++) if (deleted[i]) out.add(messages.get(i).uid());
        return out;
    }

    /** UIDs of the messages retrieved and not deleted. */
    List<Long> retrievedKeptUids() {
        List<Long> out = new ArrayList<>();
        for (int i = 0; i < messages.size(); i++) if (retrieved[i] && !deleted[i]) out.add(messages.get(i).uid());
        return out;
    }
}
