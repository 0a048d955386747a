//! Atom 1.0 feeds (RFC 4287) of the latest replies: one for the whole site (`feed.xml`) and
//! one per department (`departments/<slug>/feed.xml`). XML is written and escaped by
//! quick-xml; every URL is absolute; entry ids are `tag:` URIs built from the 索引号, so they
//! stay the same when a reply's file is moved or its text is edited.

use crate::plaintext::Texts;
use quick_xml::Writer;

use crate::policy::xml_text;
use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};

use crate::model::{Dim, Site};

/// Entries per feed: readers poll often, so the newest 50 are plenty.
pub const FEED_LIMIT: usize = 50;

/// Length of an entry's summary, in characters.
const SUMMARY_CHARS: usize = 160;

/// Dates in feeds are in China Standard Time.
const TIMEZONE: &str = "+08:00";

/// Where the feeds go (for the check that no static file takes their place).
pub fn feed_paths(site: &Site) -> impl Iterator<Item = String> {
    specs(site).into_iter().map(|s| s.path)
}

/// One feed: where it goes, the page it belongs to, its title and entries (newest first).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Spec {
    pub path: String,
    pub page: String,
    pub title: String,
    /// Positions in the site's order (the feed is planned for this run of this site).
    pub entries: Vec<usize>,
}

impl Spec {
    pub fn render(&self, site: &Site, texts: &Texts<'_>) -> Vec<u8> {
        feed(
            site,
            texts,
            &self.path,
            &self.page,
            &self.title,
            &self.entries,
        )
    }
}

/// The site's feed, then one per department.
pub fn specs(site: &Site) -> Vec<Spec> {
    let mut out = vec![Spec {
        path: "feed.xml".into(),
        page: String::new(),
        title: site.config.title.clone(),
        entries: (0..site.entries.len()).take(FEED_LIMIT).collect(),
    }];
    if let Some(d) = site.dimension(Dim::Department) {
        for t in &d.terms {
            out.push(Spec {
                path: format!("{}feed.xml", t.url),
                page: t.url.clone(),
                title: format!("{} - {}", t.name, site.config.title),
                entries: site.positions_of(&t.entries).take(FEED_LIMIT).collect(),
            });
        }
    }
    out
}

/// `tag:www.example.gov.cn,2023:LN-YJ/2023-00012345`: the authority is the site's domain,
/// the date the reply's year, the rest its 索引号.
pub fn entry_id(domain: &str, year: i32, index_code: &str) -> String {
    let specific: String = index_code
        .chars()
        .map(|c| if c.is_whitespace() { '-' } else { c })
        .collect();
    format!("tag:{domain},{year}:{specific}")
}

fn timestamp(date: chrono::NaiveDate) -> String {
    format!("{date}T00:00:00{TIMEZONE}")
}

/// Plain-text summary: the first characters of the reply, whitespace collapsed.
pub fn summary(text: impl Iterator<Item = char>, max: usize) -> String {
    let mut out = String::new();
    let mut count = 0;
    let mut space = false;
    for c in text {
        if c.is_whitespace() {
            space = !out.is_empty();
            continue;
        }
        if space {
            out.push(' ');
            count += 1;
            space = false;
        }
        if count >= max {
            out.push('…');
            return out;
        }
        out.push(c);
        count += 1;
    }
    out
}

fn feed(
    site: &Site,
    texts: &Texts<'_>,
    path: &str,
    page: &str,
    title: &str,
    entries: &[usize],
) -> Vec<u8> {
    let base = site.config.base_url_slash();
    let domain = site.config.domain();
    let updated = entries
        .iter()
        .map(|&i| site.entries[i].reply.published)
        .max()
        .map(timestamp)
        .unwrap_or_else(|| "1970-01-01T00:00:00Z".to_string());
    let mut w = Writer::new_with_indent(Vec::new(), b' ', 2);
    // Writing into a Vec cannot fail; the results are checked all the same.
    let mut go = || -> std::io::Result<()> {
        w.write_event(Event::Decl(BytesDecl::new("1.0", Some("utf-8"), None)))?;
        let mut root = BytesStart::new("feed");
        root.push_attribute(("xmlns", "http://www.w3.org/2005/Atom"));
        root.push_attribute(("xml:lang", &*xml_text(&site.config.language)));
        w.write_event(Event::Start(root))?;
        text_element(&mut w, "id", &format!("{base}{path}"))?;
        text_element(&mut w, "title", title)?;
        if !site.config.description.is_empty() {
            text_element(&mut w, "subtitle", &site.config.description)?;
        }
        text_element(&mut w, "updated", &updated)?;
        link(
            &mut w,
            "self",
            "application/atom+xml",
            &format!("{base}{path}"),
        )?;
        link(&mut w, "alternate", "text/html", &format!("{base}{page}"))?;
        w.create_element("author").write_inner_content(|w| {
            text_element(w, "name", &site.config.organisation.name)?;
            Ok::<(), std::io::Error>(())
        })?;
        w.create_element("generator")
            .with_attribute(("version", env!("CARGO_PKG_VERSION")))
            .write_text_content(BytesText::new("dafu"))?;
        for &i in entries {
            let e = &site.entries[i];
            let r = &e.reply;
            w.write_event(Event::Start(BytesStart::new("entry")))?;
            text_element(
                &mut w,
                "id",
                &entry_id(&domain, chrono::Datelike::year(&r.date), &e.index_code),
            )?;
            text_element(&mut w, "title", &r.title)?;
            link(
                &mut w,
                "alternate",
                "text/html",
                &format!("{base}{}", e.url),
            )?;
            // 附件 as enclosures (RFC 4287 §4.2.7.2): feed readers offer them for download.
            for a in &r.attachments {
                w.create_element("link")
                    .with_attribute(("rel", "enclosure"))
                    .with_attribute(("type", &*xml_text(&a.mime)))
                    .with_attribute(("title", &*xml_text(&a.title)))
                    .with_attribute(("length", a.size.to_string().as_str()))
                    .with_attribute((
                        "href",
                        &*xml_text(&format!("{base}{}{}", e.url, a.published)),
                    ))
                    .write_empty()?;
            }
            text_element(&mut w, "published", &timestamp(r.published))?;
            text_element(&mut w, "updated", &timestamp(r.published))?;
            w.create_element("author").write_inner_content(|w| {
                text_element(w, "name", &r.department)?;
                Ok::<(), std::io::Error>(())
            })?;
            w.create_element("category")
                .with_attribute(("term", r.kind.key()))
                .with_attribute(("label", r.kind.long_label()))
                .write_empty()?;
            let text = texts.get(i);
            let lead = format!(
                "{}第{}号{}（{}）。",
                r.session,
                r.number,
                r.kind.label(),
                r.representatives.join("、")
            );
            text_element(
                &mut w,
                "summary",
                &format!("{lead}{}", summary(text.chars(), SUMMARY_CHARS)),
            )?;
            w.write_event(Event::End(BytesEnd::new("entry")))?;
        }
        w.write_event(Event::End(BytesEnd::new("feed")))?;
        Ok(())
    };
    let result = go();
    debug_assert!(result.is_ok());
    let mut bytes = w.into_inner();
    bytes.push(b'\n');
    bytes
}

/// Every text and attribute of a feed passes [`crate::policy::xml_text`]: one reply's stray
/// control character must not make the whole feed ill-formed.
fn text_element(w: &mut Writer<Vec<u8>>, name: &str, text: &str) -> std::io::Result<()> {
    w.create_element(name)
        .write_text_content(BytesText::new(&xml_text(text)))?;
    Ok(())
}

fn link(w: &mut Writer<Vec<u8>>, rel: &str, kind: &str, href: &str) -> std::io::Result<()> {
    w.create_element("link")
        .with_attribute(("rel", rel))
        .with_attribute(("type", kind))
        .with_attribute(("href", &*xml_text(href)))
        .write_empty()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summary_collapses_space_and_cuts() {
        assert_eq!(
            summary("  一是\n\n二是  三是 ".chars(), 10),
            "一是 二是 三是"
        );
        assert_eq!(summary("一二三四五".chars(), 3), "一二三…");
        assert_eq!(summary("".chars(), 3), "");
    }

    #[test]
    fn entry_ids_are_tag_uris() {
        assert_eq!(
            entry_id("www.example.gov.cn", 2023, "LN-YJ/2023-00012345"),
            "tag:www.example.gov.cn,2023:LN-YJ/2023-00012345"
        );
        assert_eq!(entry_id("e.cn", 2024, "a b"), "tag:e.cn,2024:a-b");
    }
}
