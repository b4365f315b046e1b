# Differential corpus: each "### name" section is one script, run on every message in messages/
# by both Estafeta and Pigeonhole's sieve-test (SieveDifferentialTest).
### empty
### keep
keep;
### discard
discard;
### stop-first
stop;
discard;
### fileinto-plain
require "fileinto";
fileinto "Archive";
### fileinto-inbox
require "fileinto";
fileinto "INBOX";
### fileinto-twice-same
require "fileinto";
fileinto "A";
fileinto "A";
### fileinto-and-keep
require "fileinto";
fileinto "A";
keep;
### fileinto-copy
require ["fileinto","copy"];
fileinto :copy "Copies";
### fileinto-create
require ["fileinto","mailbox"];
fileinto :create "New/Folder";
### header-is
require "fileinto";
if header :is "subject" "[acme] hello there" { fileinto "acme"; }
### header-is-case
require "fileinto";
if header :is "Subject" "[ACME] HELLO THERE" { fileinto "acme"; }
### header-octet
require "fileinto";
if header :comparator "i;octet" :is "Subject" "[ACME] HELLO THERE" { fileinto "acme"; }
### header-contains
require "fileinto";
if header :contains "subject" "digest" { fileinto "digests"; } elsif header :contains "subject" "menu" { fileinto "food"; } else { fileinto "other"; }
### header-contains-list
require "fileinto";
if header :contains ["to","cc"] ["carol", "acme-users"] { fileinto "shared"; }
### header-encoded-word
require "fileinto";
if header :contains "subject" "Café" { fileinto "cafe"; }
### header-matches
require "fileinto";
if header :matches "subject" "*invoice*" { fileinto "invoices"; }
### header-matches-question
require "fileinto";
if header :matches "subject" "Weekly digest, issue ??" { fileinto "weekly"; }
### header-matches-escape
require "fileinto";
if header :matches "subject" "\\[acme\\]*" { fileinto "escaped"; }
if header :matches "subject" "*\\?*" { fileinto "question"; }
### header-absent
require "fileinto";
if header :contains "X-Nope" "" { fileinto "weird"; }
### exists
require "fileinto";
if exists "List-Id" { fileinto "lists"; }
if exists ["X-Priority", "MIME-Version"] { fileinto "priority"; }
### not-exists
if not exists "Message-ID" { discard; }
### size-over
require "fileinto";
if size :over 1K { fileinto "big"; }
### size-under
if size :under 300 { discard; }
### allof-anyof
require "fileinto";
if allof (exists "From", anyof (header :contains "subject" "urgent", header :is "X-Priority" "1")) { fileinto "urgent"; }
### true-false
require "fileinto";
if false { discard; } elsif true { fileinto "T"; }
### nested-if
require "fileinto";
if exists "From" { if exists "To" { if header :contains "From" "example" { fileinto "nested"; } } }
### address-all
require "fileinto";
if address :is "from" "alice@example.org" { fileinto "alice"; }
### address-domain
require "fileinto";
if address :domain :is "from" "example.com" { fileinto "example-com"; }
### address-localpart
require "fileinto";
if address :localpart :is ["to","cc"] "eve" { fileinto "eve"; }
### address-matches
require "fileinto";
if address :matches "from" "*@lists.*" { fileinto "lists"; }
### address-count
require ["fileinto","relational","comparator-i;ascii-numeric"];
if address :count "ge" :comparator "i;ascii-numeric" ["to","cc"] "3" { fileinto "crowd"; }
### envelope-from
require ["envelope","fileinto"];
if envelope :is "from" "alice@example.org" { fileinto "env-alice"; }
### envelope-null
require ["envelope"];
if envelope :is "from" "" { discard; }
### envelope-to-localpart
require ["envelope","fileinto"];
if envelope :localpart :is "to" "bob" { fileinto "to-bob"; }
### envelope-domain
require ["envelope","fileinto"];
if envelope :domain :contains "from" "partner" { fileinto "partner"; }
### reject
require "reject";
if header :contains "subject" "invoice" { reject "No invoices please"; }
### ereject
require "ereject";
if exists "List-Id" { ereject "no lists"; }
### reject-after-fileinto
require ["reject","fileinto"];
fileinto "x";
reject "too late";
### reject-then-keep
require "reject";
reject "no";
keep;
### redirect
redirect "carol@example.net";
### redirect-copy
require "copy";
redirect :copy "carol@example.net";
### redirect-twice-same
redirect "carol@example.net";
redirect "carol@example.net";
### redirect-conditional
if header :contains "from" "alice" { redirect "assistant@example.com"; keep; }
### imap4flags-addflag
require "imap4flags";
addflag "\\Seen";
### imap4flags-setflag-remove
require "imap4flags";
setflag ["\\Flagged", "$Work", "\\Seen"];
removeflag "\\Seen";
### imap4flags-fileinto-flags
require ["imap4flags","fileinto"];
fileinto :flags "\\Flagged" "Important";
### imap4flags-keep-flags
require "imap4flags";
keep :flags ["\\Answered", "custom"];
### imap4flags-hasflag
require ["imap4flags","fileinto"];
addflag "Work";
if hasflag :is "work" { fileinto "work"; }
### imap4flags-variable
require ["imap4flags","variables","fileinto"];
set "f" "";
addflag "f" ["A", "B"];
if hasflag :count "eq" :comparator "i;ascii-numeric" "f" "2" { fileinto "two"; }
### imap4flags-flags-at-fileinto
require ["imap4flags","fileinto"];
addflag "\\Seen";
fileinto "Read";
removeflag "\\Seen";
### body-contains
require ["body","fileinto"];
if body :contains "report" { fileinto "reports"; }
### body-text-multipart
require ["body","fileinto"];
if body :text :contains "lentil" { fileinto "lunch"; }
### body-content-html
require ["body","fileinto"];
if body :content "text/html" :contains "<b>" { fileinto "html"; }
### body-raw
require ["body","fileinto"];
if body :raw :contains "=E2=82=AC" { fileinto "qp"; }
### body-content-pdf
require ["body","fileinto"];
if body :content "application" :contains "AAAA" { fileinto "binary"; }
### variables-set
require ["variables","fileinto"];
set "folder" "Work";
fileinto "${folder}";
### variables-match-groups
require ["variables","fileinto","mailbox"];
if header :matches "Subject" "[*] *" { fileinto :create "lists.${1}"; }
### variables-match-from
require ["variables","fileinto"];
if address :matches "from" "*@*" { fileinto "from.${2}"; }
### variables-modifiers
require ["variables","fileinto"];
set :upperfirst :lower "name" "HELLO";
set :length "len" "${name}";
fileinto "${name}-${len}";
### variables-string-test
require ["variables","fileinto"];
set "x" "abc";
if string :is "${x}" "abc" { fileinto "string-ok"; }
### variables-unknown-empty
require ["variables","fileinto"];
if string :is "${nothing}" "" { fileinto "empty"; }
### variables-quotewildcard
require ["variables","fileinto"];
set :quotewildcard "q" "a*b";
if string :matches "a*b" "${q}" { fileinto "quoted"; }
### relational-value
require ["relational","comparator-i;ascii-numeric","fileinto"];
if header :value "ge" :comparator "i;ascii-numeric" "X-Spam-Score" "10" { fileinto "Junk"; }
### relational-value-string
require ["relational","fileinto"];
if header :value "lt" "subject" "M" { fileinto "early"; }
### relational-count-header
require ["relational","comparator-i;ascii-numeric","fileinto"];
if header :count "eq" :comparator "i;ascii-numeric" "X-Spam-Score" "0" { fileinto "unscored"; }
### numeric-is-infinity
require ["comparator-i;ascii-numeric","fileinto"];
if header :is :comparator "i;ascii-numeric" "Subject" "x" { fileinto "both-infinite"; }
### vacation-basic
require "vacation";
vacation :days 5 :subject "Out of office" "I am away until Monday.";
### vacation-addresses
require "vacation";
vacation :addresses ["team@example.com"] "Team is away.";
### vacation-with-fileinto
require ["vacation","fileinto"];
fileinto "Away";
vacation "I will read it later.";
### vacation-conditional
require ["vacation"];
if header :contains "subject" "urgent" { vacation :handle "urgent" "Call me instead."; }
### vacation-and-discard
require "vacation";
vacation "away";
discard;
### mailbox-exists
require ["mailbox","fileinto"];
if mailboxexists "INBOX" { fileinto "exists"; }
### spam-filter
require ["fileinto","relational","comparator-i;ascii-numeric","imap4flags"];
if anyof (header :value "ge" :comparator "i;ascii-numeric" "X-Spam-Score" "10", header :contains "subject" "viagra") {
  setflag "\\Seen";
  fileinto "Junk";
  stop;
}
keep;
### roundcube-style
require ["fileinto","imap4flags"];
# rule:[lists]
if anyof (header :contains "list-id" "acme", header :contains "to" "acme-users")
{
	fileinto "Lists";
	stop;
}
# rule:[boss]
if address :is "from" "frank@partner.example"
{
	addflag "\\Flagged";
}
### multiline-text
require "vacation";
vacation text:
Dear sender,
..I am away.
.
;
### comments
/* a block
   comment */ require "fileinto"; # trailing
if header :contains "subject" "hello" /* inline */ { fileinto "commented"; }
