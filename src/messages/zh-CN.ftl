# dafu 的全部提示信息（中文）。每条都在 en.ftl 中有对应的英文；测试会检查两个文件的条目一致，
# 且代码用到的每条信息及其变量都在这里。翻译时只改等号右边的文字，{ $变量 } 原样保留。

## 级别与通用词

level-error = 错误
level-warning = 警告
level-help = 提示
level-note = 说明
list-separator = 、
the-other-file = 另一个文件
dup-first = 第一份

## 汇总

summary-problems = { $files } 个文件中有 { $problems } 个问题，网站没有发布
summary-check-failed = { $files } 个文件中有 { $problems } 个问题，检查未通过
summary-still-serving = { $files } 个文件中有 { $problems } 个问题，预览仍显示上一次成功生成的网站
summary-warnings = { $warnings } 条警告；改正之前 `dafu check` 不会通过
built = 已生成 { $replies } 份答复，写入 { $output }（答复页 { $reply_pages } 个，索引页 { $index_pages } 个；重新生成 { $rendered } 个，其余未变），用时 { $seconds } 秒
checked = 已检查 { $pages } 个页面、{ $links } 个链接，用时 { $seconds } 秒：没有发现问题
nothing-published = 网站没有发布
interrupted = 已停止：网站没有发布，原来的输出保持不变

## 前置字段及其含义

field-title = 答复标题
field-kind = 类型：提案或建议
field-number = 提案/建议编号
field-session = 届次会议
field-representative = 代表委员
field-department = 办理单位
field-date = 成文日期
field-handling = 主办或会办
field-co-departments = 会办单位
field-category = 答复类别
field-doc-number = 文号
field-signer = 签发人
field-contact = 联系人
field-cc = 抄送
field-published = 发布日期
field-index-code = 索引号
field-tags = 主题词
field-draft = 草稿
field-unknown = 未知字段

## 读取文件

content-unreadable = 无法读取 content/ 文件夹：{ $error }
file-unreadable = 无法读取文件：{ $error }
file-reread = 无法再次读取该文件
file-utf16 = 文件保存为 UTF-16（“Unicode”）编码，不是 UTF-8
file-save-utf8 = 请另存为 UTF-8 编码（记事本：另存为 → 编码选 UTF-8）
file-gbk = 文件不是 UTF-8 编码，看起来是 GBK/GB18030（第 { $line } 行起不是 UTF-8）
file-save-utf8-gbk = 请另存为 UTF-8 编码（记事本：另存为 → 编码选 UTF-8；WPS：另存为 → 编码 UTF-8），或用 `iconv -f GBK -t UTF-8` 转换
file-not-utf8 = 文件不是有效的 UTF-8 编码（第 { $line } 行，第 { $byte } 个字节）
file-empty = 文件是空的
file-empty-help = 文件应以 --- 行之间的前置字段开头，后面是答复正文；见 README
file-no-front-matter = 文件开头没有前置字段
file-no-front-matter-help = 第 1 行应是 `---`，接着是各字段（title、kind、number……），再以 `---` 结束
file-front-matter-open = 前置字段没有结束
file-front-matter-open-help = 最后一个字段之后应有一行只写 `---`
control-char = 不可见的控制字符 { $code }（网站上已替换为空格）
control-char-help = 请删除它；这类字符通常是从 Word 等程序复制时带进来的

## 前置字段

fm-empty = 前置字段是空的
fm-empty-help = 应填写这些字段：{ $fields }
fm-missing-field = 缺少必填字段 `{ $field }`（{ $meaning }）
fm-missing-field-help = 请在前置字段中加上，例如 `{ $field }: { $example }`
fm-empty-value = `{ $field }` 没有填写内容
fm-empty-value-help = 例如 `{ $field }: { $example }`
fm-expected-text = `{ $field }`（{ $meaning }）应是一段文字，不能是列表或映射
fm-expected-text-help = 写在一行里：`{ $field }: ……`
fm-expected-names = `{ $field }`（{ $meaning }）应是一个名字或名字列表
fm-names-help = 写一个名字，或用方括号写列表：`{ $field }: [张三, 李四]`
fm-names-empty-entry = `{ $field }` 中有空的一项
fm-names-empty-entry-help = 每一项都应是名字，不能为空
fm-duplicate-field = 字段 `{ $field }` 写了两次
fm-duplicate-field-help = 每个字段只能写一次；第一次在第 { $line } 行
fm-unknown-field = 未知字段 `{ $field }`
fm-unknown-field-suggest = 是否应为 `{ $suggestion }`（{ $meaning }）？可用的字段：{ $fields }
fm-unknown-field-help = 可用的字段：{ $fields }
fm-title-lines = 标题写成了多行
fm-title-lines-help = 标题应写在一行内
fm-kind-unknown = 未知的类型 `{ $value }`
fm-kind-help = 应为 `proposal`（政协提案）或 `suggestion`（人大代表建议）
fm-kind-help-proposal = 提案请写 `proposal`（人大代表建议写 `suggestion`）
fm-kind-help-suggestion = 建议请写 `suggestion`（政协提案写 `proposal`）
fm-representative-help = 例如 `representative: 吴忠彦`；联名提出的写成列表：`[张三, 李四]`
fm-published-before = 发布日期 { $published } 早于成文日期 { $date }
fm-published-before-help = 答复只能在成文当天或之后公开
fm-handling-unknown = 未知的办理方式 `{ $value }`
fm-handling-help = 应为 `lead`（主办，默认）或 `co`（会办）
fm-category-unknown = 未知的答复类别 `{ $value }`
fm-category-help = 应为以下之一：{ $known }
fm-index-code-spaces = 索引号 `{ $value }` 中有空格
fm-index-code-help = 例如 11210400MB0000000X/2023-00001
fm-contact-not-map = `contact`（联系人）应分项写出 name、phone、email 或 address
fm-contact-unknown-key = 联系人中有未知的项 `{ $key }`
fm-contact-help = 例如 `contact: {"{"} name: 王明, phone: 024-12345678 {"}"}`
fm-draft-not-bool = draft 的值 `{ $value }` 不是 true 或 false
fm-bool-help = 应为 `true` 或 `false`
date-bad-shape = `{ $value }` 不是“年-月-日”格式的日期
date-not-real = { $value } 不是实际存在的日期
date-expected = 请写成 YYYY-MM-DD 格式的真实日期，例如 2023-03-27
number-normalised = 编号 `{ $written }` 已按 { $number } 处理
number-normalised-help = 请写成 `number: "{ $number }"`：页面会自动加上“第……号”
draft-incomplete = 草稿不完整（未列入网站）：{ $problem }

## 中文输入法常见错误

kbd-fullwidth-colon = `{ $field }` 后面用了全角冒号“：”
kbd-fullwidth-colon-help = 请改为半角冒号加空格：`{ $field }: ……`（把输入法切换为英文标点）
kbd-indent = 缩进中有{ $what }
kbd-tab = 制表符（Tab）
kbd-fullwidth-space = 全角空格
kbd-indent-help = 缩进只能用半角空格（不要用 Tab 或全角空格）
kbd-chinese-quotes = `{ $field }` 的值用了中文引号
kbd-chinese-quotes-help = 去掉引号（`{ $field }: { $value }`），或改用英文引号 "……"
kbd-chinese-brackets = `{ $field }` 用了中文方括号【】
kbd-chinese-comma = `{ $field }` 中的名字用中文逗号或顿号分隔
kbd-list-help = 列表请用英文方括号和英文逗号：`{ $field }: [{ $list }]`
kbd-chinese-date = `{ $field }` 写成了中文日期：{ $value }
kbd-chinese-date-help = 请写成 `{ $field }: { $date }`

## YAML 格式

yaml-not-fields = 前置字段不是“字段: 值”的格式
yaml-unclosed = `{ $bracket }` 没有闭合
yaml-unclosed-help = 在同一行内闭合，或给整个值加上英文引号：`title: "……"`
yaml-tab = 前置字段中有制表符（{ $detail }）
yaml-invalid = 前置字段格式有误：{ $detail }
yaml-help = 每行应为 `字段: 值`；值中含有 `: ` 或以特殊符号开头时，请给值加上英文引号

## 规范名录

authority-unknown = { $meaning } `{ $value }` 不在 site.toml 的规范名录中
authority-did-you-mean = 是否应为 `{ $suggestion }`？
authority-listed = site.toml 的 [authority] 名录中有：{ $names }

## 重复与网址

dup-reply = 重复的答复：{ $department } 对 { $session } { $kind } 第{ $number }号的答复，在 { $other } 中也有
dup-reply-help = 一个单位的一份答复只用一个文件；请删除其中一个，或改正会议、类型、编号或办理单位
dup-index-code = 索引号 { $code } 重复：{ $other } 也用了它
dup-index-code-help = 索引号必须唯一；删去 index_code 可由 dafu 自动生成
same-address = 两个文件会发布到同一网址 { $url }
same-address-help = 文件名会成为网址（中文转为拼音）；请给其中一个文件改名
reply-address-bad = 这份答复无法发布：{ $why }
reply-address-bad-help = 请缩短文件名或所在文件夹的名称
term-address-bad = 「{ $name }」的{ $dimension }页面无法发布：{ $why }
term-address-bad-help = 请在 site.toml 的 [slugs] 中给它一个较短的网址："{ $name }" = "short-slug"
term-same-address = { $dimension }“{ $first }”和“{ $second }”会得到同一网址 { $url }
term-same-address-help = 请在 site.toml 的 [slugs] 中给其中一个单独的网址，例如 "{ $name }" = "{ $slug }-2"
url-too-long = 它的网址长 { $bytes } 字节（最多 { $max }）
url-part-too-long = 它的网址中有一段长 { $bytes } 字节（{ $start }……），文件系统最多允许 { $max }
index-code-moved = index_code { $code } 正是 dafu 为 { $other } 生成的索引号；那份答复改用 { $now }
index-code-moved-help = 请使用本单位自己的编号，或同时固定另一份答复的 index_code，使它不再变动
index-code-moved-other = 索引号变动的那份答复

## 答复正文

unsafe-link = 不安全的链接地址：{ $why }
unsafe-image = 不安全的图片地址：{ $why }
url-control-chars = 地址中有控制字符
url-starts-with-colon = 地址以冒号开头
url-scheme-refused = 不允许使用 `{ $scheme }:` 开头的地址
url-help = 请使用相对地址（答复旁的文件、本网站的页面），或以 { $schemes } 开头的地址
html-too-deep = HTML 嵌套超过 { $depth } 层
html-too-deep-help = 请简化 HTML（或改用 Markdown 书写）；在此之前这份答复中的 HTML 不会显示

## site.toml

config-not-utf8 = site.toml 不是有效的 UTF-8 编码
config-not-utf8-help = 请另存为 UTF-8 编码
config-missing = { $folder } 中没有 site.toml
config-missing-help = 请在网站文件夹中运行 dafu，或用 --root 指定；网站需要 site.toml 和 content/（`dafu init 文件夹` 可新建）
config-unreadable = 无法读取 site.toml：{ $error }
config-syntax = site.toml 格式有误：{ $detail }
config-syntax-help = TOML 的写法是在 [小节] 下写 `键 = "值"`；文字值要加英文引号
config-unknown-key = 未知的设置项 `{ $key }`
config-unknown-key-suggest = 是否应为 `{ $suggestion }`？这里可用的设置项：{ $keys }
config-unknown-key-help = 这里可用的设置项：{ $keys }
config-missing-key = 缺少设置项 `{ $key }`
config-wrong-kind = `{ $key }` 的值类型不对
config-expected-text = 应为加英文引号的文字：键 = "……"
config-expected-integer = 应为整数
config-expected-boolean = 应为 true 或 false
config-expected-texts = 应为文字列表：["……", "……"]
config-expected-names = 应为 "名称" = "网址名" 的若干行
config-expected-table = 应为小节 [{ $key }]
config-expected-tables = 应为小节 [[{ $key }]]
config-add-title = 请加上，例如 title = "抚顺市建议提案办理结果公开"
config-add-base-url = 请写成完整网址，例如 base_url = "https://www.example.gov.cn/jyta/"
config-add-organisation = 请加上 [organisation] 小节，写明 name 和 code
config-add-organisation-key = [organisation] 需要 name = "……" 和 code = "……"（code 是索引号的前缀）
config-add-key = 请加上 `{ $key }`；README 列出了全部设置项
config-title-empty = title（网站名称）是空的
config-title-empty-help = 网站名称，例如 抚顺市建议提案办理结果公开
config-base-url-bad = base_url `{ $value }` 不是完整网址
config-page-size = page_size { $value } 超出范围
config-page-size-help = 应在 1 到 1000 之间
config-code-bad = organisation.code 不能为空，也不能含空格或 /
config-code-help = 例如 11210400MB0000000X
config-categories-empty = categories（答复类别）是空的
config-categories-empty-help = 至少列出一个答复类别，或删去该项以使用 A/B/C
config-category-twice = 答复类别 `{ $key }` 列了两次
config-category-twice-help = 每个类别只列一次
config-slug-bad = { $name } 的网址名 `{ $slug }` 不合规
config-slug-help = 只能用小写英文字母、数字和 -
config-department-twice = 单位名称 `{ $name }` 列了两次（也在 { $other } 下）
config-department-twice-help = 每个现用名或曾用名只能属于一个单位

## 生成、输出、主题

site-not-found = 找不到网站文件夹
site-not-found-help = 请用 --root 指定包含 site.toml 的文件夹
write-failed = 无法写入：{ $error }
write-outputs-failed = 无法写入订阅、开放数据或搜索索引：{ $error }
cache-not-saved = 生成缓存没有保存：{ $error }
publish-failed = 无法把新网站移入 { $folder }：{ $error }
output-holds-site = 拒绝生成到 { $folder }：网站本身就在其中；请选择 public/ 之类的输出文件夹
output-inside-site = 拒绝生成到 { $folder }：它在网站的 { $part } 之中
output-is-link = { $folder } 是符号链接（指向 { $target }）；dafu 会整体替换输出文件夹，不会经由链接生成。请用 --output 指定真实的文件夹（须为空文件夹或 dafu 生成的文件夹），或删除该链接
output-is-file = { $folder } 是文件而不是文件夹；请换一个 --output，或自行删除它
output-not-ours = { $folder } 不是空文件夹，也不是 dafu 生成的（其中没有 { $marker } 文件）；dafu 只替换和删除它自己写的文件。请用 --output 选择新的或空的文件夹，或自行移走 { $folder } 中的文件
staging-not-ours = { $folder } 已存在且不是 dafu 写的；请移走它
io-folder = 无法使用 { $folder }：{ $error }
io-error = { $error }
theme-not-found = 找不到主题 `{ $theme }`：没有 themes/{ $theme }/ 文件夹
theme-not-found-help = 删去 `theme` 即使用内置的默认主题，或创建该文件夹
template-unreadable = 无法读取模板：{ $error }
template-missing = 主题缺少模板 { $template }
template-context = 无法生成模板数据：{ $error }
template-error = 模板 { $template } 有错误：{ $detail }
template-error-help = 请修改模板；README 列出了每个模板可用的变量
static-replaces-generated = 这个静态文件会覆盖 dafu 生成的 { $path }
static-replaces-generated-help = 请改名或移走该文件；静态文件不能占用页面、订阅、开放数据或搜索索引的位置
link-outside-site = 链接指向网站文件夹之外的 { $target }
link-outside-site-help = 请把文件复制到网站中，不要用链接
no-such-dimension = 没有这个分类

## dafu check

no-content-folder = 没有 content/ 文件夹
no-content-folder-help = 答复以 Markdown 文件放在 content/ 中；见 README
future-date = { $field }（{ $meaning }）{ $date } 晚于今天（{ $today }）
future-date-help = 请核对年份；答复办理完毕后才能公开
index-page-empty = 索引页 { $url }（{ $name }）中没有答复
link-outside-base = 链接指向网站根路径 { $base } 之外
link-above-root = 链接越过了网站根目录
link-missing-target = 链接指向 { $target }，网站中没有这个文件
link-missing-id = { $target } 中没有 #{ $fragment } 这个位置
link-broken = 链接 `{ $href }` 无效：{ $problem }
link-broken-help = 请改正链接；站内链接是相对于答复页面的
link-broken-theme = 生成页面第 { $line } 行的链接 `{ $href }` 无效：{ $problem }{ $more ->
        [0] {""}
       *[other] （另有 { $more } 个页面也是如此）
    }
link-broken-theme-help = 这个链接来自主题的模板或静态文件

## dafu serve

serve-built = 已生成 { $files } 个文件，用时 { $seconds } 秒
serve-port-taken = 端口 { $asked } 已被占用，改用 { $port }
serve-serving = 预览地址 { $url }  （不显示草稿；按 Ctrl+C 停止）
serve-serving-drafts = 预览地址 { $url }  （显示草稿；按 Ctrl+C 停止）
serve-no-browser = 无法打开浏览器：{ $error }
serve-edited-ready = 修改的页面 { $first } 毫秒后可见，全部页面 { $all } 毫秒
serve-pages-ready = 全部页面 { $all } 毫秒后可见
serve-rebuilt-one = 重新生成用时 { $ms } 毫秒（一份答复）：{ $changed ->
        [0] 没有变化
       *[other] { $changed } 个网址有变化
    }
serve-rebuilt-some = 重新生成用时 { $ms } 毫秒（{ $replies } 份答复）：{ $changed ->
        [0] 没有变化
       *[other] { $changed } 个网址有变化
    }
serve-rebuilt-all = 重新生成用时 { $ms } 毫秒（整个网站）：{ $changed ->
        [0] 没有变化
       *[other] { $changed } 个网址有变化
    }
serve-cannot-listen = 无法监听 { $address }：{ $error }
serve-ports-in-use = 端口 { $first }–{ $last } 都已被占用（{ $error }）；请用 --port 指定空闲端口
serve-cannot-start = 无法启动预览服务：{ $error }
watch-failed = 无法监视 { $folder }：{ $error }
watch-poll-failed = 无法启动轮询监视：{ $error }
watch-events-failed = 无法启动文件监视：{ $error }（可试试 --poll）
overlay-title = dafu：生成失败，预览仍显示上一次成功生成的版本
overlay-close = 关闭
overlay-help = 提示：

## dafu import

import-col-letter = 来函
import-col-file = 写入
import-col-found = 找到的字段
import-col-missing = 缺少的字段 / 说明
import-input-encoding = { $input }（{ $encoding }）
import-missing = 缺少 { $fields }（已存为草稿）
import-overwritten = ；已覆盖原文件
import-duplicate = 与 { $other } 是同一份答复，未重复导入
import-in-site = 网站中已有这份答复：{ $file }
import-exists = { $file } 已存在，未覆盖（要覆盖请加 --force）
import-skipped = 跳过：{ $why }
import-failed = 无法读取：{ $why }
import-summary = { $complete } 份完整答复，{ $drafts } 份草稿（缺少字段，请补全），{ $duplicates } 份重复，{ $skipped } 个文件跳过，{ $failed } 个失败。
import-dry-run = 试运行（--dry-run，未写入任何文件）：
import-written-to = 写入位置：{ $folder }
import-progress = 正在读取来函
import-no-text = 文件中没有文字
import-not-found = 找不到 { $path }：{ $error }
import-cannot-write = 无法写入 { $path }：{ $error }
import-no-extension = 没有扩展名
import-old-word = .{ $ext } 是旧版 Word/WPS 格式，请先另存为 .docx
import-pdf = .pdf 不能可靠地取出文字，请使用 .docx 或 .txt
import-unsupported = 不支持 .{ $ext } 文件（支持 .docx、.txt、.html）
import-too-large = 文件过大（{ $size } MB），一封答复函不会超过 { $max } MB
import-docx-not-zip = 不是有效的 .docx（zip）文件：{ $error }
import-docx-no-document = 不是有效的 .docx 文件：缺少 word/document.xml
import-docx-bad-xml = word/document.xml 无法解析：{ $error }

## dafu check 关注的名称

slug-unused = [slugs] 中的 `{ $name }` 没有任何答复使用
slug-unused-help = 可能是单位改了名或写错了字：请改正名称或删去这一行
authority-unused = site.toml [authority] 中的{ $meaning } `{ $name }` 没有答复
authority-unused-help = 若名录是预先列好的可以不管；否则请核对名录和答复中的写法
near-duplicate = { $meaning } `{ $rare }`（{ $count } 份答复）与 `{ $common }`（{ $common_count } 份答复）只差一个字
near-duplicate-help = 如果是同一个{ $meaning }，请改正写法；在 site.toml 的 [authority] 中列出名录后，写错的名称会被直接拒绝

## dafu init 与 dafu new

init-not-empty = { $folder } 不是空文件夹；dafu init 只在新的或空的文件夹中建立网站
init-done = 已在 { $folder } 建立新网站：
init-next = 下一步：填写 { $folder }/site.toml；用 `dafu new --root { $folder } --number 1 --title "……"` 新建答复；用 `dafu serve --root { $folder } --drafts` 预览；发布前运行 `dafu check --root { $folder }`
new-done = 已写入 { $file }（这是草稿：填写完毕后删去 `draft: true` 即可公开）
new-exists = { $file } 已存在；dafu new 不会覆盖已有文件（请换一个 --number，或直接编辑该文件）
new-archetype-error = 模板 { $file } 有错误：{ $error }
new-no-site = { $folder } 中没有 site.toml：请在网站文件夹中运行 dafu new（或用 --root 指定），或先用 `dafu init 文件夹` 建立网站

## 附件

field-attachments = 附件
fm-attachment-unknown-key = 附件中有未知的项 `{ $key }`
fm-attachment-no-file = 附件缺少 `file`（文件名）
fm-attachment-bad = 附件应写文件名，或写成 {"{"} file: ……, title: …… {"}"}
fm-attachment-help = 例如 `attachments: [答复函.pdf, {"{"} file: 附表.xlsx, title: 办理情况统计表 {"}"}]`（路径相对于答复文件）
attachment-missing = 找不到附件 `{ $file }`
attachment-outside = 附件 `{ $file }` 不在 content/ 文件夹中
attachment-not-file = 附件 `{ $file }` 不是文件
attachment-unreadable = 无法读取附件 `{ $file }`：{ $error }
attachment-help = 请把文件放在答复文件旁边（或 content/ 下的文件夹中），并写相对于答复文件的路径
attachment-type-refused = `{ $file }` 不是允许作为附件的文件类型
attachment-types = 允许的附件类型：{ $types }（不允许网页、SVG 图片、脚本或程序）

## --timings

peak-memory = 内存峰值 { $mb } MB
step-time = { $step } { $ms } 毫秒
step-load-cache = 读取生成缓存
step-read = 读取并检查
step-model = 网站模型
step-templates = 模板
step-edited-page = 修改的页面
step-fingerprints = 页面指纹
step-pages = 页面
step-serve-pages = 提供页面
step-machine = 订阅、开放数据、搜索
step-publish = 发布
step-save-cache = 保存缓存
step-other = 其他步骤 { $step }

## site.toml 的 [search]

config-expected-search = 应为 `search = true`（或 false），或含 `enabled`、`synonyms` 的 [search] 小节
config-expected-synonyms = 应为 `"词" = "同义词"` 或 `"词" = ["同义词", "近义词"]` 的若干行
config-image-kind = `{ $key }` 应是 static/ 中的 SVG 或 PNG 图片（而不是 `{ $file }`）
config-image-missing = `{ $key }`：找不到 static/{ $file }
config-image-help = 请把图片放在网站的 static/ 文件夹中，并写它在其中的路径，例如 logo = "images/logo.svg"

## 办理结果评价

field-satisfaction = 办理结果评价
fm-satisfaction-unknown = 未知的评价 `{ $value }`

## The command line (`dafu --help`, usage errors)
cli-about = 答复：把政协提案、人大代表建议的答复发布为静态的办理结果公开网站
cli-heading-usage = 用法：
cli-heading-commands = 命令：
cli-heading-arguments = 参数：
cli-heading-options = 选项：
cli-value-command = 命令
cli-value-options = 选项
cli-value-folder = 文件夹
cli-value-url = 网址
cli-value-address = 地址
cli-value-port = 端口
cli-value-host = 主机名
cli-value-number = 编号
cli-value-text = 文字
cli-value-letters = 信件
cli-cmd-build = 生成网站，写入输出文件夹（默认为 public/）
cli-cmd-serve = 编辑时预览：生成网站并在本机提供访问，每次保存后重新生成并刷新页面
cli-cmd-check = 检查网站而不发布：生成时的全部检查，加上站内链接、重复的索引号、日期在未来的答复和空的索引页；有任何问题时退出码为 1
cli-cmd-init = 在新文件夹中开始一个网站：带逐项说明的 site.toml、每类答复的示例（草稿）和 .gitignore；文件夹须不存在或为空
cli-cmd-new = 按模板写一份新的答复文件（网站的 archetypes/reply.md，没有则用主题的），位于 content/年份/类型-编号.md，日期为今天，标记为草稿
cli-cmd-import = 导入正式答复函（.docx、.txt、.html）：函中写明的各项成为前置信息，缺少必填项的成为草稿
cli-arg-help = 显示帮助
cli-arg-version = 显示版本
cli-arg-lang = dafu 提示信息的语言：zh（中文，中文网站的默认）或 en；也可设 DAFU_LANG=en
cli-arg-root = 网站文件夹（含 site.toml 和 content/；默认为当前文件夹）
cli-arg-root-import = 网站文件夹（用来检查导入的答复是否与已有的重复；默认为当前文件夹）
cli-arg-output = 网站写入的文件夹（默认为网站文件夹下的 public/）；只在生成成功时替换
cli-arg-base-url = 代替 site.toml 中的 base_url（例如用于测试服务器）
cli-arg-drafts-build = 包括标记为草稿（draft: true）的答复
cli-arg-drafts-serve = 显示标记为草稿（draft: true）的答复
cli-arg-drafts-check = 也检查标记为草稿（draft: true）的答复
cli-arg-no-cache = 不用上次生成留下的缓存，全部重新生成（并保存新的缓存）；结果与用缓存时相同
cli-arg-timings = 显示每一步用了多长时间
cli-arg-timings-serve = 每次重新生成后显示每一步用了多长时间
cli-arg-bind = 监听的地址（默认 127.0.0.1，只有本机能访问）
cli-arg-port = 端口（默认 8000）；被占用时自动改用下一个空闲端口并告知
cli-arg-open = 用默认浏览器打开网站
cli-arg-poll = 定时查看文件变化，而不依赖文件系统通知（网络驱动器、部分容器和虚拟机）
cli-arg-allow-host = 除 localhost 和 IP 地址外，允许访问预览的主机名（例如本机在办公网中的名字）；可重复；其他主机名的请求一律拒绝，以防 DNS 重绑定攻击
cli-arg-files-in-memory = 在内存中保留多少兆字节的已生成文件（页面和搜索卡片，压缩存放；默认 256），其余放在临时文件中，用到时读取
cli-arg-dir = 新网站的文件夹
cli-arg-kind = proposal（政协提案，默认）或 suggestion（人大代表建议）
cli-arg-number = 提案或建议的编号，例如 146
cli-arg-title = 答复的标题
cli-arg-session = 届次，例如 市政协十四届一次会议
cli-arg-department = 答复的部门
cli-arg-representative = 提出的委员或代表；联名的可重复此项
cli-arg-date = 答复函的日期（YYYY-MM-DD）；不写则为今天
cli-arg-paths = 答复函，或放答复函的文件夹（逐层查找）
cli-arg-to = 答复写入的文件夹（默认为网站的 content/imported/）
cli-arg-dry-run = 什么也不写，只显示将要做什么
cli-arg-force = 覆盖已存在的答复文件
cli-error-unknown-argument = 不认识的选项：{ $arg }
cli-error-unknown-command = 没有这个命令：{ $command }
cli-error-invalid-value = { $arg } 的值“{ $value }”不对
cli-error-invalid-choice = { $arg } 的值“{ $value }”不对（可用：{ $valid }）
cli-error-missing = 缺少：{ $arg }
cli-error-other = 命令行有误：{ $detail }
cli-error-suggest = 是不是想用 { $suggestion }？
cli-error-more = 运行 { $command } --help 查看全部选项

## `dafu serve`'s refusals, as the browser shows them
serve-refused-method = 预览只接受 GET 和 HEAD 请求
serve-refused-host = 预览只回应 localhost、IP 地址和用 --allow-host 给出的名字（不回应 { $host }）
serve-refused-no-host = 预览只回应 localhost、IP 地址和用 --allow-host 给出的名字（这个请求没有写明 Host）
serve-bad-request = 请求有误：{ $why }
serve-path-not-utf8 = 路径不是 UTF-8 编码
serve-path-forbidden-char = 路径中有不允许的字符
serve-path-climbs = 路径跳出了网站文件夹
serve-not-found = 找不到这个文件
