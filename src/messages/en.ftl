# dafu's messages in English. Each id has its twin in zh-CN.ftl (a test checks both files
# hold the same ids and that every message the code uses is here, with its variables).

## Levels and shared words

level-error = error
level-warning = warning
level-help = help
level-note = note
list-separator = {", "}
the-other-file = the other file
dup-first = the first one

## Summaries

summary-problems = { $problems } { $problems ->
        [one] problem
       *[other] problems
    } in { $files } { $files ->
        [one] file
       *[other] files
    }; nothing was published
summary-check-failed = { $problems } { $problems ->
        [one] problem
       *[other] problems
    } in { $files } { $files ->
        [one] file
       *[other] files
    }; dafu check failed
summary-still-serving = { $problems } { $problems ->
        [one] problem
       *[other] problems
    } in { $files } { $files ->
        [one] file
       *[other] files
    }; still serving the last good build
summary-warnings = { $warnings } { $warnings ->
        [one] warning
       *[other] warnings
    }; `dafu check` fails until they are fixed
built = built { $replies } replies into { $output } ({ $reply_pages } reply pages, { $index_pages } index pages; { $rendered } rendered, the others unchanged) in { $seconds } s
checked = checked { $pages } pages and { $links } links in { $seconds } s: no problems
nothing-published = nothing was published
interrupted = stopped: nothing was published; the previous output is unchanged

## Front matter fields and what they mean

field-title = title of the reply
field-kind = kind: proposal or suggestion
field-number = number of the proposal or suggestion
field-session = session of the congress
field-representative = representatives
field-department = department that answered
field-date = date of the letter
field-handling = lead or co-handling
field-co-departments = co-handling departments
field-category = answer category
field-doc-number = document number
field-signer = signed by
field-contact = contact
field-cc = copied to
field-published = publication date
field-index-code = index code
field-tags = topics
field-draft = draft
field-unknown = unknown field

## Reading files

content-unreadable = cannot read content/: { $error }
file-unreadable = cannot read file: { $error }
file-reread = cannot read the file again
file-utf16 = file is saved as UTF-16 ("Unicode"), not UTF-8
file-save-utf8 = save it as UTF-8 (in Notepad: Save As → Encoding: UTF-8)
file-gbk = file is not UTF-8: it looks like GBK/GB18030 (first non-UTF-8 byte on line { $line })
file-save-utf8-gbk = save it as UTF-8 (in Notepad: Save As → Encoding: UTF-8; in WPS: 另存为 → 编码 UTF-8), or convert with `iconv -f GBK -t UTF-8`
file-not-utf8 = file is not valid UTF-8 (byte { $byte } on line { $line })
file-empty = empty file
file-empty-help = expected front matter between --- lines, then the reply text; see the README
file-no-front-matter = file does not start with front matter
file-no-front-matter-help = expected `---` on line 1, then the fields (title, kind, number, …), then `---`
file-front-matter-open = front matter is never closed
file-front-matter-open-help = expected a line with only `---` after the last field
control-char = invisible control character { $code } (replaced by a space on the site)
control-char-help = delete it; such characters come from copying out of Word or other programs

## Front matter

fm-empty = front matter is empty
fm-empty-help = expected the fields { $fields }
fm-missing-field = missing required field `{ $field }` ({ $meaning })
fm-missing-field-help = expected e.g. `{ $field }: { $example }` in the front matter
fm-empty-value = `{ $field }` is empty
fm-empty-value-help = expected e.g. `{ $field }: { $example }`
fm-expected-text = `{ $field }` ({ $meaning }) must be text, not a list or a mapping
fm-expected-text-help = write it on one line: `{ $field }: …`
fm-expected-names = `{ $field }` ({ $meaning }) must be a name or a list of names
fm-names-help = expected a name or a list of names: `{ $field }: [张三, 李四]`
fm-names-empty-entry = `{ $field }` has an empty entry
fm-names-empty-entry-help = expected names, none empty
fm-duplicate-field = duplicate field `{ $field }`
fm-duplicate-field-help = each field may appear once; the first is on line { $line }
fm-unknown-field = unknown field `{ $field }`
fm-unknown-field-suggest = did you mean `{ $suggestion }` ({ $meaning })? the fields are: { $fields }
fm-unknown-field-help = the fields are: { $fields }
fm-title-lines = title spans several lines
fm-title-lines-help = expected the title on one line
fm-kind-unknown = unknown kind `{ $value }`
fm-kind-help = expected `proposal` (政协提案) or `suggestion` (人大代表建议)
fm-kind-help-proposal = expected `proposal` (政协提案) or `suggestion` (人大代表建议) (提案 is `proposal`)
fm-kind-help-suggestion = expected `proposal` (政协提案) or `suggestion` (人大代表建议) (建议 is `suggestion`)
fm-representative-help = expected e.g. `representative: 吴忠彦`, or a list for a joint proposal: `[张三, 李四]`
fm-published-before = published { $published } is before the reply's date { $date }
fm-published-before-help = a reply goes public on or after the day it was written
fm-handling-unknown = unknown handling `{ $value }`
fm-handling-help = expected `lead` (主办, the default) or `co` (会办)
fm-category-unknown = unknown category `{ $value }`
fm-category-help = expected one of { $known }
fm-index-code-spaces = index_code `{ $value }` contains spaces
fm-index-code-help = expected e.g. 11210400MB0000000X/2023-00001
fm-contact-not-map = `contact` must list name, phone, email or address
fm-contact-unknown-key = unknown contact field `{ $key }`
fm-contact-help = expected e.g. `contact: {"{"} name: 王明, phone: 024-12345678 {"}"}`
fm-draft-not-bool = draft `{ $value }` is not true or false
fm-bool-help = expected `true` or `false`
date-bad-shape = `{ $value }` is not a date in the form YYYY-MM-DD
date-not-real = { $value } is not a real date
date-expected = expected a real calendar date as YYYY-MM-DD, e.g. 2023-03-27
number-normalised = number `{ $written }` is read as { $number }
number-normalised-help = write `number: "{ $number }"`: the page adds 第…号 itself
draft-incomplete = incomplete draft (left out of the site): { $problem }

## Mistakes of a Chinese keyboard

kbd-fullwidth-colon = full-width colon `：` after `{ $field }`
kbd-fullwidth-colon-help = YAML needs the ASCII colon and a space: `{ $field }: …` (switch the input method to English punctuation)
kbd-indent = { $what } in the indentation
kbd-tab = a tab
kbd-fullwidth-space = a full-width space
kbd-indent-help = indent with ordinary spaces only (no tabs, no full-width spaces)
kbd-chinese-quotes = `{ $field }` is wrapped in Chinese quotes
kbd-chinese-quotes-help = leave the quotes out (`{ $field }: { $value }`) or use ASCII quotes "…"
kbd-chinese-brackets = `{ $field }` is written with 【】
kbd-chinese-comma = `{ $field }` separates names with a Chinese comma
kbd-list-help = write a list with square brackets and ASCII commas: `{ $field }: [{ $list }]`
kbd-chinese-date = `{ $field }` is written as a Chinese date: { $value }
kbd-chinese-date-help = write `{ $field }: { $date }`

## YAML

yaml-not-fields = the front matter is not `field: value` lines
yaml-unclosed = `{ $bracket }` is opened but not closed
yaml-unclosed-help = close it on the same line, or quote the value: `title: "…"`
yaml-tab = a tab in the front matter ({ $detail })
yaml-invalid = front matter: { $detail }
yaml-help = expected `field: value` lines in YAML; quote values that contain `: ` or start with a special character

## Authority lists

authority-unknown = { $field } `{ $value }` is not in site.toml's list
authority-did-you-mean = did you mean `{ $suggestion }`?
authority-listed = the list in site.toml's [authority] has: { $names }

## Duplicates and addresses

dup-reply = duplicate reply: { $session } { $kind } 第{ $number }号 from { $department } is also in { $other }
dup-reply-help = one file per department's reply; delete one of them, or correct session, kind, number or department
dup-index-code = duplicate index_code (索引号) { $code }: also used by { $other }
dup-index-code-help = 索引号 must be unique; remove index_code to have one generated
same-address = two files publish to the same address { $url }
same-address-help = file names become URLs (Chinese as pinyin); rename one of the files
reply-address-bad = this reply cannot be published: { $why }
reply-address-bad-help = shorten the file name or its folders' names
term-address-bad = the { $dimension } page of 「{ $name }」 cannot be published: { $why }
term-address-bad-help = give the name a shorter address in site.toml's [slugs]: "{ $name }" = "short-slug"
term-same-address = { $dimension } `{ $first }` and `{ $second }` get the same address { $url }
term-same-address-help = give one of them its own slug in site.toml's [slugs], e.g. "{ $name }" = "{ $slug }-2"
url-too-long = its address is { $bytes } bytes long (at most { $max })
url-part-too-long = its address has a part of { $bytes } bytes ({ $start }…); file systems allow at most { $max }
index-code-moved = index_code { $code } is the 索引号 dafu generates for { $other }; that reply now gets { $now } instead
index-code-moved-help = pin a code of your own numbering, or pin the other reply's index_code too so that it cannot move
index-code-moved-other = the reply whose 索引号 moved

## The reply's text

unsafe-link = unsafe link address: { $why }
unsafe-image = unsafe image address: { $why }
url-control-chars = the address contains control characters
url-starts-with-colon = the address starts with a colon
url-scheme-refused = the scheme `{ $scheme }:` is not allowed
url-help = use a relative address (a file beside the reply, a page of this site) or one starting with { $schemes }
html-too-deep = raw HTML is nested more than { $depth } elements deep
html-too-deep-help = simplify the HTML (or write the text in Markdown); the HTML of this reply is left out until then

## site.toml

config-not-utf8 = site.toml is not valid UTF-8
config-not-utf8-help = save it as UTF-8
config-missing = no site.toml in { $folder }
config-missing-help = run dafu in the site's folder or pass --root DIR; a site needs site.toml and content/ (`dafu init DIR` makes one)
config-unreadable = cannot read site.toml: { $error }
config-syntax = site.toml: { $detail }
config-syntax-help = TOML is `key = "value"` lines under [sections]; quote text values
config-unknown-key = unknown key `{ $key }`
config-unknown-key-suggest = did you mean `{ $suggestion }`? known keys here: { $keys }
config-unknown-key-help = known keys here: { $keys }
config-missing-key = missing key `{ $key }`
config-wrong-kind = `{ $key }` has the wrong kind of value
config-expected-text = expected text in quotes: key = "…"
config-expected-integer = expected a whole number
config-expected-boolean = expected true or false
config-expected-texts = expected a list of texts: ["…", "…"]
config-expected-names = expected "name" = "slug" lines
config-expected-table = expected a section [{ $key }]
config-expected-tables = expected sections [[{ $key }]]
config-add-title = add e.g. title = "抚顺市建议提案办理结果公开"
config-add-base-url = expected e.g. base_url = "https://www.example.gov.cn/jyta/"
config-add-organisation = add an [organisation] table with name and code
config-add-organisation-key = [organisation] needs name = "…" and code = "…" (the code prefixes 索引号)
config-add-key = add `{ $key }`; the README lists every key
config-title-empty = title is empty
config-title-empty-help = the site's name, e.g. 抚顺市建议提案办理结果公开
config-base-url-bad = base_url `{ $value }` is not an absolute URL
config-page-size = page_size { $value } is out of range
config-page-size-help = expected 1 to 1000
config-code-bad = organisation.code must be a non-empty code without spaces or /
config-code-help = e.g. 11210400MB0000000X
config-categories-empty = categories is empty
config-categories-empty-help = list at least one answer category, or leave the key out for A/B/C
config-category-twice = category `{ $key }` is listed twice
config-category-twice-help = each key once
config-slug-bad = slug `{ $slug }` for { $name } is not a URL slug
config-slug-help = lowercase ASCII letters, digits and -
config-department-twice = department name `{ $name }` is listed twice (also under { $other })
config-department-twice-help = each current or former name belongs to one department

## Build, output, theme

site-not-found = site folder not found
site-not-found-help = pass --root DIR with the folder that holds site.toml
write-failed = cannot write: { $error }
write-outputs-failed = cannot write the feeds, open data or search index: { $error }
cache-not-saved = the build cache was not saved: { $error }
publish-failed = cannot move the new site into { $folder }: { $error }
output-holds-site = refusing to build into { $folder }: it holds the site itself; choose an output folder such as public/
output-inside-site = refusing to build into { $folder }: it is inside the site's { $part }
output-is-link = { $folder } is a symbolic link (to { $target }); dafu replaces its output folder as a whole and never builds through a link. Pass the real folder with --output (it must be empty or a folder dafu built), or remove the link
output-is-file = { $folder } is a file, not a folder; choose another --output, or delete it yourself
output-not-ours = { $folder } is not empty and was not written by dafu (it has no { $marker } file); dafu replaces and deletes only what it wrote itself. Choose a new or empty folder with --output, or move the files in { $folder } away yourself
staging-not-ours = { $folder } exists and was not written by dafu; move it away
io-folder = cannot use { $folder }: { $error }
io-error = { $error }
theme-not-found = theme `{ $theme }` not found: there is no folder themes/{ $theme }/
theme-not-found-help = leave `theme` out for the built-in default theme, or create the folder
template-unreadable = cannot read template: { $error }
template-missing = the theme has no template { $template }
template-context = cannot build the template context: { $error }
template-error = template error in { $template }: { $detail }
template-error-help = fix the template; the README lists the variables each template gets
static-replaces-generated = this static file would replace what dafu generates at { $path }
static-replaces-generated-help = rename or move the file; static files may not take the place of pages, feeds, open data or the search index
link-outside-site = links to { $target }, outside the site folder
link-outside-site-help = copy the file into the site instead of linking to it
no-such-dimension = no such dimension

## dafu check

no-content-folder = there is no content/ folder
no-content-folder-help = replies go in content/ as Markdown files; see the README
future-date = { $field } { $date } is in the future (today is { $today })
future-date-help = check the year; a reply is published once it has been answered
index-page-empty = index page { $url } ({ $name }) lists no replies
link-outside-base = leads outside the site's base path { $base }
link-above-root = climbs above the site root
link-missing-target = leads to { $target }, which the site does not have
link-missing-id = #{ $fragment } is not an id on { $target }
link-broken = broken link `{ $href }`: { $problem }
link-broken-help = fix the link; internal links are relative to the reply's page
link-broken-theme = broken link `{ $href }` on line { $line } of the generated page: { $problem }{ $more ->
        [0] {""}
       *[other] {" "}(and on { $more } more pages)
    }
link-broken-theme-help = the link comes from a template or a static file of the theme

## dafu serve

serve-built = built { $files } files in { $seconds } s
serve-port-taken = port { $asked } is in use; using { $port } instead
serve-serving = serving { $url }  (drafts hidden; Ctrl+C to stop)
serve-serving-drafts = serving { $url }  (drafts shown; Ctrl+C to stop)
serve-no-browser = could not open a browser: { $error }
serve-edited-ready = edited page ready in { $first } ms, pages ready in { $all } ms
serve-pages-ready = pages ready in { $all } ms
serve-rebuilt-one = rebuilt in { $ms } ms (one reply): { $changed ->
        [0] nothing
       *[other] { $changed } URLs
    } changed
serve-rebuilt-some = rebuilt in { $ms } ms ({ $replies } replies): { $changed ->
        [0] nothing
       *[other] { $changed } URLs
    } changed
serve-rebuilt-all = rebuilt in { $ms } ms (whole site): { $changed ->
        [0] nothing
       *[other] { $changed } URLs
    } changed
serve-cannot-listen = cannot listen on { $address }: { $error }
serve-ports-in-use = ports { $first }–{ $last } are all in use ({ $error }); pass --port with a free one
serve-cannot-start = cannot start the server: { $error }
watch-failed = cannot watch { $folder }: { $error }
watch-poll-failed = cannot start the polling watcher: { $error }
watch-events-failed = cannot start the file watcher: { $error } (try --poll)
overlay-title = dafu: the build failed — the last good version is still served
overlay-close = Close
overlay-help = help:{" "}

## dafu import

import-col-letter = letter
import-col-file = written to
import-col-found = fields found
import-col-missing = fields missing / notes
import-input-encoding = { $input } ({ $encoding })
import-missing = missing { $fields } (saved as a draft)
import-overwritten = ; the old file was overwritten
import-duplicate = the same reply as { $other }; not imported twice
import-in-site = the site already has this reply: { $file }
import-exists = { $file } exists and was not overwritten (add --force to overwrite)
import-skipped = skipped: { $why }
import-failed = cannot read: { $why }
import-summary = { $complete } complete replies, { $drafts } drafts (fields missing, please complete them), { $duplicates } duplicates, { $skipped } files skipped, { $failed } failed.
import-dry-run = dry run (--dry-run, nothing written):{" "}
import-written-to = {" "}Written to: { $folder }
import-progress = reading letters
import-no-text = the file has no text
import-not-found = cannot find { $path }: { $error }
import-cannot-write = cannot write { $path }: { $error }
import-no-extension = the file has no extension
import-old-word = .{ $ext } is the old Word/WPS format; save it as .docx first
import-pdf = text cannot be taken out of a .pdf reliably; use .docx or .txt
import-unsupported = .{ $ext } files are not read (dafu reads .docx, .txt and .html)
import-too-large = the file is too large ({ $size } MB); a reply letter is never more than { $max } MB
import-docx-not-zip = not a valid .docx (zip) file: { $error }
import-docx-no-document = not a valid .docx file: word/document.xml is missing
import-docx-bad-xml = word/document.xml cannot be read: { $error }

## Names dafu check watches

slug-unused = [slugs] names `{ $name }`, which no reply uses
slug-unused-help = a renamed department or a typo: correct the name or delete the line
authority-unused = the { $field } `{ $name }` in site.toml's [authority] has no reply
authority-unused-help = fine for a list made ahead of time; otherwise check the spelling in the list and in the replies
near-duplicate = { $field } `{ $rare }` ({ $count } { $count ->
        [one] reply
       *[other] replies
    }) is one character away from `{ $common }` ({ $common_count } { $common_count ->
        [one] reply
       *[other] replies
    })
near-duplicate-help = if they are one { $field }, correct the spelling; list the names in site.toml's [authority] to have every typo refused

## dafu init and dafu new

init-not-empty = { $folder } is not empty; dafu init makes a site only in a new or empty folder
init-done = made a new site in { $folder }:
init-next = next: fill in { $folder }/site.toml, then `dafu new --root { $folder } --number 1 --title "…"` for a reply, `dafu serve --root { $folder } --drafts` to see it, `dafu check --root { $folder }` before publishing
new-done = wrote { $file } (a draft: fill it in, then delete `draft: true` to publish it)
new-exists = { $file } exists; dafu new never overwrites a file (give another --number, or edit that file)
new-archetype-error = the template { $file } has an error: { $error }
new-no-site = there is no site.toml in { $folder }: run dafu new in the site's folder (or pass --root), or start a site with `dafu init DIR`

## Attachments

field-attachments = attachments
fm-attachment-unknown-key = unknown attachment field `{ $key }`
fm-attachment-no-file = an attachment without `file`
fm-attachment-bad = an attachment must be a file name or {"{"} file: …, title: … {"}"}
fm-attachment-help = expected e.g. `attachments: [答复函.pdf, {"{"} file: 附表.xlsx, title: 办理情况统计表 {"}"}]` (paths relative to the reply)
attachment-missing = attachment `{ $file }` not found
attachment-outside = attachment `{ $file }` is outside content/
attachment-not-file = attachment `{ $file }` is not a file
attachment-unreadable = cannot read attachment `{ $file }`: { $error }
attachment-help = put the file beside the reply (or in a folder under content/) and name it relative to the reply
attachment-type-refused = `{ $file }` is not a kind of file a reply may attach
attachment-types = attachments may be: { $types } (no web pages, images in SVG, scripts or programs)

## --timings

peak-memory = peak memory { $mb } MB
step-time = { $step } { $ms } ms
step-load-cache = load the build cache
step-read = read and validate
step-model = model
step-templates = templates
step-edited-page = edited page
step-fingerprints = fingerprints
step-pages = pages
step-serve-pages = serve pages
step-machine = feeds, open data, search
step-publish = publish
step-save-cache = save the cache
step-other = { $step }

## site.toml [search]

config-expected-search = expected `search = true` (or false), or a [search] section with `enabled` and `synonyms`
config-expected-synonyms = expected `"word" = "other word"` or `"word" = ["other", "words"]` lines
config-image-kind = `{ $key }` must name an SVG or PNG file in static/ (not `{ $file }`)
config-image-missing = `{ $key }`: there is no static/{ $file }
config-image-help = put the image in the site's static/ folder and give its path there, e.g. logo = "images/logo.svg"

## Satisfaction

field-satisfaction = how the representatives judged the handling
fm-satisfaction-unknown = unknown evaluation `{ $value }`

## The command line (`dafu --help`, usage errors)
cli-about = 答复: publish replies to 政协提案 and 人大代表建议 as a static disclosure portal
cli-heading-usage = Usage: {""}
cli-heading-commands = Commands:
cli-heading-arguments = Arguments:
cli-heading-options = Options:
cli-value-command = COMMAND
cli-value-options = OPTIONS
cli-value-folder = FOLDER
cli-value-url = URL
cli-value-address = ADDRESS
cli-value-port = PORT
cli-value-host = NAME
cli-value-number = NUMBER
cli-value-text = TEXT
cli-value-letters = LETTERS
cli-cmd-build = Build the site into the output folder (public/ by default)
cli-cmd-serve = Preview the site while editing: build it, serve it, rebuild and reload on every save
cli-cmd-check = Check the site without publishing: everything build checks, plus internal links, duplicate 索引号, replies dated in the future and empty index pages. Exit 1 on any problem
cli-cmd-init = Start a new site in a new or empty folder: site.toml with every setting explained (in Chinese), an example reply of each kind (drafts), a .gitignore
cli-cmd-new = Write a new reply file from the template (the site's archetypes/reply.md, else the theme's) at content/YEAR/KIND-NUMBER.md, dated today and marked `draft: true`
cli-cmd-import = Import official reply letters (.docx, .txt, .html) as replies: the fields each letter states become front matter; a letter missing a required field becomes a draft
cli-arg-help = Print help
cli-arg-version = Print version
cli-arg-lang = Language of dafu's messages: zh (中文, the default for Chinese sites) or en. Also DAFU_LANG=en
cli-arg-root = The site folder, with site.toml and content/ (default: the current folder)
cli-arg-root-import = The site folder, whose replies the imported ones are checked against for duplicates (default: the current folder)
cli-arg-output = Where to write the site (default: public/ in the site folder); replaced only when the build succeeds
cli-arg-base-url = Overrides base_url from site.toml (e.g. for a staging server)
cli-arg-drafts-build = Include replies marked `draft: true`
cli-arg-drafts-serve = Show replies marked `draft: true`
cli-arg-drafts-check = Check replies marked `draft: true` as well
cli-arg-no-cache = Build everything afresh, without the build cache of the last build (a new one is saved). The output is the same either way
cli-arg-timings = Print how long each step took
cli-arg-timings-serve = After each rebuild, print how long each step took
cli-arg-bind = The address to listen on (default 127.0.0.1: only this computer)
cli-arg-port = The port (default 8000); when it is taken, the next free one is used (and named)
cli-arg-open = Open the site in the default browser
cli-arg-poll = Poll for changes instead of relying on file-system events (network drives, some containers and virtual machines)
cli-arg-allow-host = A host name under which the preview may be reached besides localhost and IP addresses (e.g. the computer's name on the office network); may be repeated. Requests naming any other host are refused, which stops DNS-rebinding attacks
cli-arg-files-in-memory = How many megabytes of the built site (pages and search cards, gzip-compressed) to hold in memory (default 256); the rest is kept in a temporary file and read when asked for
cli-arg-dir = The folder for the new site
cli-arg-kind = proposal (政协提案, the default) or suggestion (人大代表建议)
cli-arg-number = The proposal's or suggestion's number, e.g. 146
cli-arg-title = The reply's title
cli-arg-session = The session, e.g. 市政协十四届一次会议
cli-arg-department = The department that answers
cli-arg-representative = A representative; repeat for a joint proposal
cli-arg-date = The letter's date (YYYY-MM-DD); today when left out
cli-arg-paths = Letters, or folders of letters (walked)
cli-arg-to = Where to write the replies (default: content/imported/ under the site)
cli-arg-dry-run = Write nothing; print what would be done
cli-arg-force = Overwrite reply files that exist
cli-error-unknown-argument = unknown option: { $arg }
cli-error-unknown-command = no such command: { $command }
cli-error-invalid-value = “{ $value }” is not a value { $arg } takes
cli-error-invalid-choice = “{ $value }” is not a value { $arg } takes (one of: { $valid })
cli-error-missing = missing: { $arg }
cli-error-other = usage error: { $detail }
cli-error-suggest = did you mean { $suggestion }?
cli-error-more = run { $command } --help for every option

## `dafu serve`'s refusals, as the browser shows them
serve-refused-method = method not allowed: the preview answers GET and HEAD only
serve-refused-host = this preview answers only to localhost, IP addresses and names given with --allow-host (not { $host })
serve-refused-no-host = this preview answers only to localhost, IP addresses and names given with --allow-host (not a request without Host)
serve-bad-request = bad request: { $why }
serve-path-not-utf8 = the path is not UTF-8
serve-path-forbidden-char = the path holds a forbidden character
serve-path-climbs = the path climbs out of the site
serve-not-found = not found
