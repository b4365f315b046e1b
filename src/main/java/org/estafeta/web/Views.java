package org.estafeta.web;

import java.util.List;
import java.util.Map;

/** The data each jte template gets: plain records, built by the handlers, with everything already decided. */
public final class Views {

    private Views() {
    }

    /** What every page needs: who is logged in, the CSRF token for its forms, the page title. */
    public record Chrome(Texts t, String here, String title, String address, boolean admin, String csrf, String notice, String error) {
        public boolean loggedIn() {
            return address != null;
        }

        /** The link that switches this page to another language and comes back here. */
        public String languageUrl(String lang) {
            return "/lang?l=" + lang + "&back=" + java.net.URLEncoder.encode(here, java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    public record LoginPage(Chrome chrome, String user, String csrf, String error) {
    }

    public record Folder(long id, String name, String label, String specialUse, long unseen, long total, boolean current) {
    }

    public record Row(long uid, String from, String subject, String date, String size, boolean seen, boolean flagged,
                      boolean answered, boolean draft, int count) {
    }

    public record MailPage(Chrome chrome, List<Folder> folders, Folder folder, List<Row> rows, int page, int pages, long total,
                           String sort, String dir, String query, String field, boolean trash, boolean showTo, boolean threads, String listUrl) {
        /** This folder with conversations grouped or not. */
        public String threadsUrl(boolean on) {
            return "/box/" + folder.id() + "?threads=" + (on ? "1" : "0");
        }

        public String pageUrl(int p) {
            return "/box/" + folder.id() + "?page=" + p + "&sort=" + sort + "&dir=" + dir
                    + (query.isEmpty() ? "" : "&field=" + field + "&q=" + java.net.URLEncoder.encode(query, java.nio.charset.StandardCharsets.UTF_8));
        }

        public String sortUrl(String by) {
            String d = by.equals(sort) && dir.equals("desc") ? "asc" : "desc";
            return "/box/" + folder.id() + "?sort=" + by + "&dir=" + d
                    + (query.isEmpty() ? "" : "&field=" + field + "&q=" + java.net.URLEncoder.encode(query, java.nio.charset.StandardCharsets.UTF_8));
        }
    }

    public record Attachment(String path, String filename, String type, String size, boolean inline) {
    }

    public record MessagePage(Chrome chrome, List<Folder> folders, Folder folder, long uid, String from, String to, String cc,
                              String date, String subject, String text, boolean html, boolean imagesAllowed, int blockedImages,
                              List<Attachment> attachments, boolean seen, boolean flagged, Long prevUid, Long nextUid,
                              boolean canArchive) {
        public String base() {
            return "/box/" + folder.id() + "/msg/" + uid;
        }
    }

    public record ComposePage(Chrome chrome, List<Folder> folders, String to, String cc, String bcc, String subject, String body,
                              String inReplyTo, String references, String forwardFrom, String error) {
    }

    public record AdminPage(Chrome chrome, Map<String, String> status, List<String> listeners, List<String> domains,
                            List<org.estafeta.admin.Admin.User> users, Map<String, List<String>> aliases,
                            List<org.estafeta.admin.Admin.QueuedMessage> queue, List<org.estafeta.store.ApiToken> tokens, String newToken,
                            List<String> recentLog, List<org.estafeta.auth.Authenticator.Block> blocks, FormError formError) {

        /** The error to show beside the form for {@code op} ("users/add"), or null. */
        public String errorFor(String op) {
            return formError != null && formError.op().equals(op) ? formError.message() : null;
        }

        /** What was typed in a field of the form that failed, so it is not lost; empty otherwise. */
        public String typed(String op, String field) {
            return formError != null && formError.op().equals(op) ? formError.values().getOrDefault(field, "") : "";
        }
    }

    /** A refused admin form: which one, why, and what was in it (never the password). */
    public record FormError(String op, String message, Map<String, String> values) {
    }

    /** "Are you sure?", naming what will be lost; the form repeats the request with confirm=yes. */
    /** The DNS records of one domain, each with what the resolver found (admin). */
    public record DnsPage(Chrome chrome, String domain, List<org.estafeta.admin.DnsRecords.Checked> records) {
    }

    public record ConfirmPage(Chrome chrome, String action, Map<String, String> fields, String title, List<String> lost, String button) {
    }

    public record ErrorPage(Chrome chrome, int status, String message) {
    }

    /** The Filters page: the simple rules, and the raw script (with the compile error of a refused edit). */
    public record FiltersPage(Chrome chrome, List<Folder> folders, List<FilterRules.Rule> rules, String script, String scriptError,
                              boolean active) {
    }

    public record VacationPage(Chrome chrome, List<Folder> folders, FilterRules.Vacation vacation) {
    }

    /** The live protocol trace: a user's own sessions, or (admin) any, with the filter that chose them. */
    public record TracePage(Chrome chrome, boolean admin, String stream, List<org.estafeta.events.SessionTraces.SessionInfo> sessions,
                            String protocol, String address, String session) {
    }
}
