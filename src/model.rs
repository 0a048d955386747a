//! Stage 3, the site model: every reply with its URL and 索引号, in publication order, and
//! every index dimension (year, department, …) with its terms. Pure data; no I/O.
//!
//! Each reply has an [`EntryId`] that stays while its file does; the lists (a term's
//! replies, a proposal's replies) hold ids, and the site's order is `Site::entries` alone.
//! So [`Site::replace`] moves a re-dated reply without touching any list but its own, and
//! gives the others only their new positions.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::Arc;

use chrono::Datelike;

use crate::config::SiteConfig;
use crate::diagnostics::Diagnostic;
use crate::hashing::fnv1a;
use crate::msg;
use crate::reply::{Kind, Reply};
use crate::slug::{name_slug, path_segment_slug};

/// A reply's identity in the site model: given to its file when the model is built or the
/// file added, and kept while the file is there, whatever other replies are added, removed
/// or re-dated (a rename is a delete plus an add). Lists hold ids; the site's order is
/// [`Site::entries`], and [`Site::position`] finds an id in it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EntryId(u32);

/// A reply and what the site derives from it.
#[derive(Debug, Clone)]
pub struct Entry {
    pub id: EntryId,
    /// Shared with the pipeline's cache of the file: one copy per reply.
    pub reply: Arc<Reply>,
    /// Site-relative URL, e.g. `replies/2023/proposal-146/` (no leading slash).
    pub url: String,
    /// 索引号: from front matter, or generated.
    pub index_code: String,
    pub department_slug: String,
    pub representative_slugs: Vec<String>,
    pub session_slug: String,
    pub tag_slugs: Vec<String>,
}

impl Entry {
    /// A reply with its address and 索引号; `slug(name, with_hash)` gives names' slugs.
    fn new(
        id: EntryId,
        reply: Arc<Reply>,
        url: String,
        index_code: String,
        mut slug: impl FnMut(&str, bool) -> String,
    ) -> Entry {
        Entry {
            id,
            department_slug: slug(&reply.department, false),
            representative_slugs: reply
                .representatives
                .iter()
                .map(|n| slug(n, true))
                .collect(),
            session_slug: slug(&reply.session, false),
            tag_slugs: reply.tags.iter().map(|t| slug(t, false)).collect(),
            reply,
            url,
            index_code,
        }
    }
}

/// The name of an answer category as shown and listed: `A` → `A类`.
pub fn category_name(key: &str) -> String {
    format!("{key}类")
}

/// A generated 索引号 moved past taken ones: `prefix-from` … `prefix-(to − 1)` were taken, so
/// the reply got `code` (serial `to`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bumped {
    pub prefix: String,
    pub from: u64,
    pub to: u64,
    pub code: String,
}

impl Bumped {
    /// Whether `code` is one of those this one was moved past.
    fn passed(&self, code: &str) -> bool {
        let Some((prefix, serial)) = code.rsplit_once('-') else {
            return false;
        };
        let Ok(s) = serial.parse::<u64>() else {
            return false;
        };
        prefix == self.prefix
            && if self.from <= self.to {
                (self.from..self.to).contains(&s)
            } else {
                s >= self.from || s < self.to
            }
    }
}

/// The ways to browse, in menu order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Dim {
    Year,
    Department,
    Representative,
    Session,
    Kind,
    Category,
    Tag,
}

impl Dim {
    pub const ALL: [Dim; 7] = [
        Dim::Year,
        Dim::Department,
        Dim::Representative,
        Dim::Session,
        Dim::Kind,
        Dim::Category,
        Dim::Tag,
    ];

    /// URL folder of the dimension.
    pub fn key(self) -> &'static str {
        match self {
            Dim::Year => "years",
            Dim::Department => "departments",
            Dim::Representative => "representatives",
            Dim::Session => "sessions",
            Dim::Kind => "kinds",
            Dim::Category => "categories",
            Dim::Tag => "tags",
        }
    }
    /// The browse heading: 按年度 …
    pub fn title(self) -> &'static str {
        match self {
            Dim::Year => "按年度",
            Dim::Department => "按办理单位",
            Dim::Representative => "按代表委员",
            Dim::Session => "按会议",
            Dim::Kind => "按类型",
            Dim::Category => "按答复类别",
            Dim::Tag => "按主题",
        }
    }
    /// What one term is called: 年度, 办理单位 …
    pub fn noun(self) -> &'static str {
        match self {
            Dim::Year => "年度",
            Dim::Department => "办理单位",
            Dim::Representative => "代表委员",
            Dim::Session => "会议",
            Dim::Kind => "类型",
            Dim::Category => "答复类别",
            Dim::Tag => "主题",
        }
    }
}

/// One value of a dimension and its replies, newest first.
#[derive(Debug, Clone)]
pub struct Term {
    pub name: String,
    /// Extra words shown with the name (a category's meaning).
    pub note: String,
    pub slug: String,
    /// Site-relative URL of its first page.
    pub url: String,
    /// Its replies, in site order (newest first).
    pub entries: Vec<EntryId>,
}

#[derive(Debug, Clone)]
pub struct Dimension {
    pub dim: Dim,
    pub terms: Vec<Term>,
}

/// The whole site, ready to render.
#[derive(Debug, Clone)]
pub struct Site {
    pub config: SiteConfig,
    /// Newest first: the site's order.
    pub entries: Vec<Entry>,
    /// Where each id is in `entries` (by id; `FREE` for an id no longer used).
    positions: Vec<u32>,
    pub dimensions: Vec<Dimension>,
    /// Replies to the same proposal (session, kind, number), in site order.
    pub proposals: BTreeMap<(String, Kind, String), Vec<EntryId>>,
    /// Whether every generated 索引号 is its first choice (no clash had to be resolved).
    pub codes_unclashed: bool,
    /// The generated 索引号 that are not their first choice, with the codes they were moved
    /// past (in the order clashes were resolved): a reply whose code is among those cannot be
    /// replaced alone, since freeing it would move another reply's code.
    pub bumped: Vec<Bumped>,
    /// What the build repaired or let pass but a careful editor should fix (`dafu check`
    /// fails on these): control characters removed, a generated 索引号 moved by a pinned one.
    pub warnings: Vec<Diagnostic>,
}

/// An id given to no entry.
const FREE: u32 = u32::MAX;

impl Site {
    /// Where entry `id` is in the site's order.
    pub fn position(&self, id: EntryId) -> usize {
        self.positions
            .get(id.0 as usize)
            .map_or(usize::MAX, |&p| p as usize)
    }

    /// Entry `id`.
    pub fn entry(&self, id: EntryId) -> &Entry {
        &self.entries[self.position(id)]
    }

    /// The positions of `ids` (a list of the site), in their order.
    pub fn positions_of<'a>(&'a self, ids: &'a [EntryId]) -> impl Iterator<Item = usize> + 'a {
        ids.iter().map(|&id| self.position(id))
    }

    pub fn dimension(&self, dim: Dim) -> Option<&Dimension> {
        self.dimensions.iter().find(|d| d.dim == dim)
    }

    /// The replies to the proposal `r` answers (itself included when it is in the site).
    pub fn proposal_of(&self, r: &Reply) -> &[EntryId] {
        self.proposals
            .get(&owned_key(r))
            .map_or(&[][..], Vec::as_slice)
    }

    /// The term of `dim` whose slug is `slug`.
    pub fn term(&self, dim: Dim, slug: &str) -> Option<&Term> {
        self.dimension(dim)?.terms.iter().find(|t| t.slug == slug)
    }

    /// Puts `reply` in the place of the reply from file `source` (either may be absent: a
    /// file added, deleted or turned into a hidden draft) and moves it between lists, giving
    /// the site `build_site` would give for the new set of replies. `None`, with the site
    /// untouched, when that needs more than one reply's change: a clash `build_site` would
    /// report or resolve (addresses, slugs, generated 索引号) — then build afresh. Duplicate
    /// replies and 索引号 given twice are `validate::check_duplicates`'s to find, beforehand.
    pub fn replace(&mut self, source: &Path, reply: Option<Arc<Reply>>) -> Option<Replaced> {
        // Paths compared as bytes: they are made the same way, and this is ten times faster.
        let removed = self
            .entries
            .iter()
            .position(|e| e.reply.source.as_os_str() == source.as_os_str());
        // Its code freed would move a code that was moved past it: build afresh.
        let old_code = removed.map(|i| self.entries[i].index_code.clone());
        if let Some(code) = &old_code
            && self.bumped.iter().any(|b| b.passed(code))
        {
            return None;
        }
        let others = || {
            self.entries
                .iter()
                .enumerate()
                .filter(move |(i, _)| Some(*i) != removed)
                .map(|(_, e)| e)
        };
        let entry = match reply {
            None => None,
            Some(reply) => {
                let url = reply_url(&reply.rel);
                let index_code = match &reply.index_code {
                    Some(code) => code.clone(),
                    None => first_choice_code(&self.config.organisation.code, &reply),
                };
                if others().any(|e| e.url == url || e.index_code == index_code)
                    || crate::slug::url_problem(&url).is_some()
                {
                    return None;
                }
                // The same file keeps its id; a new one takes the next.
                let id = match removed {
                    Some(i) => self.entries[i].id,
                    None => EntryId(self.positions.len() as u32),
                };
                let entry = Entry::new(id, reply, url, index_code, |name, with_hash| {
                    name_slug(name, &self.config.slugs, with_hash)
                });
                // A new name must not take a slug another name has.
                for d in &self.dimensions {
                    let mut clash = false;
                    for_each_term(d.dim, &entry, &self.config, |name, slug, _| {
                        clash |= d.terms.iter().any(|t| t.slug == slug && t.name != name)
                            || slug.len() > crate::slug::MAX_SEGMENT_BYTES;
                    });
                    if clash {
                        return None;
                    }
                }
                Some(entry)
            }
        };
        // Its own warnings, and those about its code having been moved by a pinned one.
        self.warnings.retain(|d| {
            d.file.as_os_str() != source.as_os_str()
                && d.related
                    .as_ref()
                    .is_none_or(|(f, _, _)| f.as_os_str() != source.as_os_str())
        });
        if let Some(e) = &entry {
            self.warnings.extend(reply_warnings(&e.reply));
        }
        if removed.is_none() && entry.is_none() {
            return Some(Replaced::default());
        }

        // Entries: out of the old place, into the new one; the entries in between move by
        // one, and only their positions change (lists hold ids).
        let old = removed.map(|i| self.entries.remove(i));
        let inserted = entry.map(|entry| {
            let at = self
                .entries
                .partition_point(|e| site_order(&e.reply, &entry.reply).is_lt());
            if entry.id.0 as usize == self.positions.len() {
                self.positions.push(FREE);
            }
            self.entries.insert(at, entry);
            at
        });
        if let Some(old) = &old
            && inserted.is_none()
        {
            self.positions[old.id.0 as usize] = FREE;
        }
        let moved = Replaced { removed, inserted };
        let (from, to) = match (removed, inserted) {
            (Some(r), Some(i)) => (r.min(i), r.max(i) + 1),
            (Some(at), None) | (None, Some(at)) => (at, self.entries.len()),
            (None, None) => (0, 0),
        };
        for p in from..to.min(self.entries.len()) {
            self.positions[self.entries[p].id.0 as usize] = p as u32;
        }
        // The new version has its first choice (or a given code): it was moved past nothing.
        if let Some(code) = &old_code {
            self.bumped.retain(|b| b.code != *code);
            self.codes_unclashed = self.bumped.is_empty();
        }

        // Lists: the old version out of its lists, the new one into its lists at its place.
        let positions = &self.positions;
        let place = |list: &mut Vec<EntryId>, e: &Entry, at: usize| {
            let k = list.partition_point(|id| (positions[id.0 as usize] as usize) < at);
            list.insert(k, e.id);
        };
        if let Some(old) = &old {
            let r = &old.reply;
            let key = owned_key(r);
            if let Some(list) = self.proposals.get_mut(&key) {
                list.retain(|&id| id != old.id);
                if list.is_empty() {
                    self.proposals.remove(&key);
                }
            }
        }
        if let Some(i) = inserted {
            let e = &self.entries[i];
            let r = &e.reply;
            place(self.proposals.entry(owned_key(r)).or_default(), e, i);
        }
        let config = &self.config;
        for d in &mut self.dimensions {
            if let Some(old) = &old {
                for_each_term(d.dim, old, config, |name, _, _| {
                    if let Some(t) = d.terms.iter_mut().find(|t| t.name == name) {
                        t.entries.retain(|&id| id != old.id);
                    }
                });
            }
            let before = d.terms.len();
            if let Some(i) = inserted {
                let e = &self.entries[i];
                let mut created = Vec::new();
                for_each_term(d.dim, e, config, |name, slug, note| {
                    match d.terms.iter_mut().find(|t| t.name == name) {
                        Some(t) => {
                            if !t.entries.contains(&e.id) {
                                place(&mut t.entries, e, i)
                            }
                        }
                        None => created.push(new_term(
                            d.dim,
                            name.to_string(),
                            slug.to_string(),
                            note.to_string(),
                            vec![e.id],
                        )),
                    }
                });
                d.terms.extend(created);
            }
            let grown = d.terms.len() != before;
            d.terms.retain(|t| !t.entries.is_empty());
            // Terms are ordered by name, slug or configuration, which no move changes, except
            // meetings (by their newest reply).
            if grown || d.terms.len() != before || d.dim == Dim::Session {
                d.terms.sort_by(|a, b| a.name.cmp(&b.name));
                order_terms(d.dim, &mut d.terms, config, &|id| {
                    positions[id.0 as usize] as usize
                });
            }
        }
        Some(moved)
    }

    /// The same site with ids given afresh in site order, as `build_site` would give them
    /// to replies passed in that order (tests compare patched and fresh sites with it).
    #[cfg(test)]
    pub fn renumbered(&self) -> Site {
        let mut site = self.clone();
        let new_id = |id: EntryId| EntryId(self.position(id) as u32);
        for e in &mut site.entries {
            e.id = new_id(e.id);
        }
        site.positions = (0..site.entries.len() as u32).collect();
        for d in &mut site.dimensions {
            for t in &mut d.terms {
                t.entries.iter_mut().for_each(|id| *id = new_id(*id));
            }
        }
        for list in site.proposals.values_mut() {
            list.iter_mut().for_each(|id| *id = new_id(*id));
        }
        site
    }
}

/// Where [`Site::replace`] took an entry from and put it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Replaced {
    pub removed: Option<usize>,
    pub inserted: Option<usize>,
}

/// A page of a paginated list: its number (1-based) and URL.
pub fn page_url(first: &str, page: usize) -> String {
    if page <= 1 {
        first.to_string()
    } else {
        format!("{first}page/{page}/")
    }
}

/// Number of pages for `n` items (at least one).
pub fn page_count(n: usize, size: usize) -> usize {
    n.div_ceil(size.max(1)).max(1)
}

/// Builds the model; URL and slug clashes are diagnostics.
pub fn build_site(
    config: SiteConfig,
    replies: Vec<impl Into<Arc<Reply>>>,
) -> Result<Site, Vec<Diagnostic>> {
    let mut diags = Vec::new();
    // Ids in the order the replies come (their files' order), not the site's: nothing may
    // take one for the other.
    let mut replies: Vec<(EntryId, Arc<Reply>)> = replies
        .into_iter()
        .enumerate()
        .map(|(i, r)| (EntryId(i as u32), r.into()))
        .collect();
    {
        use rayon::slice::ParallelSliceMut;
        replies.par_sort_by(|(_, a), (_, b)| site_order(a, b));
    }
    let (ids, replies): (Vec<EntryId>, Vec<Arc<Reply>>) = replies.into_iter().unzip();
    let mut positions = vec![FREE; ids.len()];
    for (p, id) in ids.iter().enumerate() {
        positions[id.0 as usize] = p as u32;
    }

    let given_codes: BTreeSet<String> = replies
        .iter()
        .filter_map(|r| r.index_code.clone())
        .collect();
    let (generated, bumped) =
        generate_index_codes(&replies, &config.organisation.code, &given_codes);
    let codes_unclashed = bumped.is_empty();
    let mut warnings: Vec<Diagnostic> = replies.iter().flat_map(|r| reply_warnings(r)).collect();
    warnings.extend(moved_codes(
        &replies,
        &config.organisation.code,
        &given_codes,
        &generated,
    ));

    let mut urls: BTreeMap<String, usize> = BTreeMap::new();
    let mut entries = Vec::with_capacity(replies.len());
    // Names repeat across replies (departments, sessions); their pinyin is worked out once.
    let mut memo: std::collections::HashMap<(String, bool), String> =
        std::collections::HashMap::new();
    let mut slug = |name: &str, with_hash: bool| -> String {
        memo.entry((name.to_string(), with_hash))
            .or_insert_with(|| name_slug(name, &config.slugs, with_hash))
            .clone()
    };
    for (i, reply) in replies.into_iter().enumerate() {
        let url = reply_url(&reply.rel);
        if let Some(&other) = urls.get(&url) {
            let first: &Entry = &entries[other];
            diags.push(
                Diagnostic::new(&reply.source, msg!("same-address", url = format!("/{url}")))
                    .with_help(msg!("same-address-help"))
                    .with_related(&first.reply.source, 1, msg!("the-other-file")),
            );
        } else {
            urls.insert(url.clone(), i);
        }
        let index_code = reply
            .index_code
            .clone()
            .unwrap_or_else(|| generated[i].clone());
        entries.push(Entry::new(ids[i], reply, url, index_code, &mut slug));
    }

    let mut proposals: BTreeMap<(String, Kind, String), Vec<EntryId>> = BTreeMap::new();
    for e in &entries {
        let r = &e.reply;
        proposals.entry(owned_key(r)).or_default().push(e.id);
    }

    let built: Vec<(Dimension, Vec<Diagnostic>)> = {
        use rayon::prelude::*;
        Dim::ALL
            .par_iter()
            .map(|&d| {
                let mut found = Vec::new();
                let dim = build_dimension(d, &entries, &positions, &config, &mut found);
                (dim, found)
            })
            .collect()
    };
    let mut dimensions = Vec::with_capacity(built.len());
    for (d, mut found) in built {
        dimensions.push(d);
        diags.append(&mut found);
    }
    diags.extend(address_problems(&entries, &positions, &dimensions));

    if diags.is_empty() {
        Ok(Site {
            config,
            entries,
            positions,
            dimensions,
            proposals,
            codes_unclashed,
            bumped,
            warnings,
        })
    } else {
        Err(diags)
    }
}

trait Rank {
    fn cmp_rank(&self) -> u8;
}
impl Rank for crate::reply::Handling {
    fn cmp_rank(&self) -> u8 {
        match self {
            crate::reply::Handling::Lead => 0,
            crate::reply::Handling::Co => 1,
        }
    }
}

/// The site's order: newest first, then by session, kind, number, lead before co-handling,
/// department and file (which makes it total).
fn site_order(a: &Reply, b: &Reply) -> std::cmp::Ordering {
    b.date
        .cmp(&a.date)
        .then(b.published.cmp(&a.published))
        .then_with(|| a.session.cmp(&b.session))
        .then(a.kind.cmp(&b.kind))
        .then_with(|| numeric_key(&a.number).cmp(&numeric_key(&b.number)))
        .then(a.handling.cmp_rank().cmp(&b.handling.cmp_rank()))
        .then_with(|| a.department.cmp(&b.department))
        .then_with(|| a.source.cmp(&b.source))
}

/// Sorts "9" before "10": (digits as number, then the text).
fn numeric_key(s: &str) -> (u64, &str) {
    (s.trim().parse::<u64>().unwrap_or(u64::MAX), s)
}

/// `2023/第146号.md` → `replies/2023/di-146-hao/`.
pub fn reply_url(rel: &std::path::Path) -> String {
    let mut url = String::from("replies/");
    // A reply that is a folder (`proposal-146/index.md`, with its attachments) is the
    // folder's page.
    let stem_path = match rel.file_stem() {
        Some(s) if s == "index" && rel.parent().is_some_and(|p| !p.as_os_str().is_empty()) => {
            rel.parent().unwrap_or(rel).to_path_buf()
        }
        _ => rel.with_extension(""),
    };
    for comp in stem_path.components() {
        let seg = comp.as_os_str().to_string_lossy();
        url.push_str(&path_segment_slug(&seg));
        url.push('/');
    }
    url
}

const CODE_SPACE: u64 = 100_000_000;

fn code_identity(r: &Reply) -> String {
    format!(
        "{}\u{1f}{}\u{1f}{}\u{1f}{}",
        r.session,
        r.kind.key(),
        r.number,
        r.department
    )
}

fn index_code(org: &str, r: &Reply, serial: u64) -> String {
    format!("{}-{:08}", index_prefix(org, r), serial)
}

/// What a generated 索引号 has before its serial.
fn index_prefix(org: &str, r: &Reply) -> String {
    format!("{org}/{}", r.date.year())
}

/// A reply's generated 索引号 when no other reply holds it.
fn first_choice_code(org: &str, r: &Reply) -> String {
    index_code(org, r, fnv1a(code_identity(r).as_bytes()) % CODE_SPACE)
}

/// Addresses the file system or browsers cannot take (a file name or a name whose pinyin
/// is too long): found here, so that build, check and serve all refuse them alike.
fn address_problems(
    entries: &[Entry],
    positions: &[u32],
    dimensions: &[Dimension],
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for e in entries {
        if let Some(why) = crate::slug::url_problem(&e.url) {
            out.push(
                Diagnostic::new(&e.reply.source, msg!("reply-address-bad", why = why))
                    .with_help(msg!("reply-address-bad-help")),
            );
        }
    }
    for d in dimensions {
        for t in &d.terms {
            if let Some(why) = crate::slug::url_problem(&t.url) {
                let file = newest_file(t, entries, positions);
                out.push(
                    Diagnostic::new(
                        file,
                        msg!(
                            "term-address-bad",
                            dimension = d.dim.noun(),
                            name = &t.name,
                            why = why
                        ),
                    )
                    .with_help(msg!("term-address-bad-help", name = &t.name)),
                );
            }
        }
    }
    out
}

/// [`Reply::proposal_key`] as [`Site::proposals`] holds it.
fn owned_key(r: &Reply) -> (String, Kind, String) {
    let (session, kind, number) = r.proposal_key();
    (session.to_string(), kind, number.to_string())
}

/// The file of a term's newest reply: where a problem of the term is reported.
fn newest_file(t: &Term, entries: &[Entry], positions: &[u32]) -> std::path::PathBuf {
    t.entries
        .first()
        .and_then(|id| entries.get(*positions.get(id.0 as usize)? as usize))
        .map(|e| e.reply.source.clone())
        .unwrap_or_default()
}

/// One reply's own warnings: the control characters replaced when its file was read.
fn reply_warnings(r: &Reply) -> Vec<Diagnostic> {
    r.replaced
        .iter()
        .map(|&(line, column, c)| {
            let mut d = Diagnostic::new(
                &r.source,
                msg!("control-char", code = format!("U+{:04X}", c as u32)),
            )
            .with_help(msg!("control-char-help"))
            .warning();
            d.line = line;
            d.column = column;
            d
        })
        .chain(r.number_written.as_ref().map(|(written, line, column)| {
            let mut d = Diagnostic::new(
                &r.source,
                msg!("number-normalised", written = written, number = &r.number),
            )
            .with_help(msg!("number-normalised-help", number = &r.number))
            .warning();
            (d.line, d.column) = (*line, *column);
            d
        }))
        .collect()
}

/// Replies whose generated 索引号 had to move because another reply pinned its first choice
/// in front matter: the moved code (and feed id) changes without anyone having touched that
/// reply, so the pinning file is warned, naming the other.
fn moved_codes(
    replies: &[Arc<Reply>],
    org: &str,
    given: &BTreeSet<String>,
    generated: &[String],
) -> Vec<Diagnostic> {
    if given.is_empty() {
        return Vec::new();
    }
    let mut out = Vec::new();
    for (i, r) in replies.iter().enumerate() {
        if r.index_code.is_some() {
            continue;
        }
        let first = first_choice_code(org, r);
        if first == generated[i] || !given.contains(&first) {
            continue;
        }
        if let Some(pinner) = replies
            .iter()
            .find(|p| p.index_code.as_deref() == Some(first.as_str()))
        {
            let d = Diagnostic::new(
                &pinner.source,
                msg!(
                    "index-code-moved",
                    code = first,
                    other = r.source.display().to_string(),
                    now = &generated[i]
                ),
            )
            .with_help(msg!("index-code-moved-help"))
            .with_related(&r.source, 1, msg!("index-code-moved-other"))
            .warning();
            out.push(d);
        }
    }
    out
}

/// `{org}/{year}-{serial}`: the serial comes from a hash of the reply's identity (session,
/// kind, number, department), so adding other replies does not change it. Also says whether
/// every reply got its first choice.
fn generate_index_codes(
    replies: &[Arc<Reply>],
    org: &str,
    taken: &BTreeSet<String>,
) -> (Vec<String>, Vec<Bumped>) {
    let mut bumped = Vec::new();
    let mut used: BTreeSet<String> = taken.clone();
    // Process in identity order so that clashes (rare with 10^8 serials) resolve the same way
    // every build.
    let mut order: Vec<usize> = (0..replies.len())
        .filter(|&i| replies[i].index_code.is_none())
        .collect();
    order.sort_by_cached_key(|&i| code_identity(&replies[i]));
    let mut out = vec![String::new(); replies.len()];
    for i in order {
        let r = &replies[i];
        let first = fnv1a(code_identity(r).as_bytes()) % CODE_SPACE;
        let mut serial = first;
        loop {
            let code = index_code(org, r, serial);
            if used.insert(code.clone()) {
                if serial != first {
                    bumped.push(Bumped {
                        prefix: index_prefix(org, r),
                        from: first,
                        to: serial,
                        code: code.clone(),
                    });
                }
                out[i] = code;
                break;
            }
            serial = (serial + 1) % CODE_SPACE;
        }
    }
    (out, bumped)
}

fn build_dimension(
    dim: Dim,
    entries: &[Entry],
    positions: &[u32],
    config: &SiteConfig,
    diags: &mut Vec<Diagnostic>,
) -> Dimension {
    // name → (slug, note, entries); BTreeMap keeps the build deterministic.
    let mut by_name: BTreeMap<String, (String, String, Vec<EntryId>)> = BTreeMap::new();
    let mut add = |name: &str, slug: &str, note: &str, i: EntryId| {
        // Most names are seen before: look them up without allocating a key.
        let e = match by_name.get_mut(name) {
            Some(e) => e,
            None => by_name
                .entry(name.to_string())
                .or_insert_with(|| (slug.to_string(), note.to_string(), Vec::new())),
        };
        if e.2.last() != Some(&i) {
            e.2.push(i);
        }
    };
    for e in entries {
        for_each_term(dim, e, config, |name, slug, note| {
            add(name, slug, note, e.id)
        });
    }
    let mut terms: Vec<Term> = by_name
        .into_iter()
        .map(|(name, (slug, note, entries))| new_term(dim, name, slug, note, entries))
        .collect();

    // Two names, one slug: the URLs would clash.
    let mut slugs: BTreeMap<&str, &str> = BTreeMap::new();
    for t in &terms {
        if let Some(other) = slugs.insert(&t.slug, &t.name) {
            let file = newest_file(t, entries, positions);
            diags.push(
                Diagnostic::new(
                    file,
                    msg!(
                        "term-same-address",
                        dimension = dim.noun(),
                        first = other,
                        second = &t.name,
                        url = format!("/{}", t.url)
                    ),
                )
                .with_help(msg!(
                    "term-same-address-help",
                    name = &t.name,
                    slug = &t.slug
                )),
            );
        }
    }

    order_terms(dim, &mut terms, config, &|id| {
        positions[id.0 as usize] as usize
    });
    Dimension { dim, terms }
}

fn new_term(dim: Dim, name: String, slug: String, note: String, entries: Vec<EntryId>) -> Term {
    Term {
        url: format!("{}/{}/", dim.key(), slug),
        name,
        note,
        slug,
        entries,
    }
}

/// Calls `f(name, slug, note)` for each term of `dim` that entry `e` belongs to.
fn for_each_term(dim: Dim, e: &Entry, config: &SiteConfig, mut f: impl FnMut(&str, &str, &str)) {
    let r = &e.reply;
    match dim {
        Dim::Year => {
            let y = r.date.year().to_string();
            f(&y, &y, "")
        }
        Dim::Department => f(&r.department, &e.department_slug, ""),
        Dim::Representative => {
            for (n, s) in r.representatives.iter().zip(&e.representative_slugs) {
                f(n, s, "")
            }
        }
        Dim::Session => f(&r.session, &e.session_slug, ""),
        Dim::Kind => f(r.kind.long_label(), r.kind.key(), ""),
        Dim::Category => {
            if let Some(key) = &r.category
                && let Some(c) = config.category(key)
            {
                let slug = c
                    .slug
                    .clone()
                    .unwrap_or_else(|| name_slug(&c.key, &config.slugs, false));
                f(&category_name(&c.key), &slug, &c.label)
            }
        }
        Dim::Tag => {
            for (t, s) in r.tags.iter().zip(&e.tag_slugs) {
                f(t, s, "")
            }
        }
    }
}

/// The order of a dimension's terms (`terms` in name order on entry).
/// `position` gives an entry's place in the site's order.
fn order_terms(
    dim: Dim,
    terms: &mut [Term],
    config: &SiteConfig,
    position: &dyn Fn(EntryId) -> usize,
) {
    match dim {
        Dim::Year => terms.sort_by(|a, b| b.name.cmp(&a.name)),
        Dim::Kind => terms.sort_by_key(|t| if t.slug == "proposal" { 0 } else { 1 }),
        Dim::Category => terms.sort_by_key(|t| {
            config
                .categories
                .iter()
                .position(|c| category_name(&c.key) == t.name)
                .unwrap_or(usize::MAX)
        }),
        // Meetings are chronological: the one with the newest reply first.
        Dim::Session => terms.sort_by(|a, b| {
            let newest = |t: &Term| t.entries.first().map_or(usize::MAX, |&id| position(id));
            newest(a).cmp(&newest(b)).then_with(|| a.slug.cmp(&b.slug))
        }),
        // Long lists of names read best in pinyin order.
        Dim::Department | Dim::Representative | Dim::Tag => {
            terms.sort_by(|a, b| a.slug.cmp(&b.slug))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;
    use std::path::PathBuf;

    fn config() -> SiteConfig {
        crate::config::parse("title = \"t\"\nbase_url = \"https://e.gov.cn/\"\npage_size = 2\n[organisation]\nname = \"n\"\ncode = \"ORG\"\n", None).unwrap()
    }

    fn reply(file: &str, number: &str, dept: &str, date: &str) -> Reply {
        let date = NaiveDate::parse_from_str(date, "%Y-%m-%d").unwrap();
        Reply {
            category: Some("A".into()),
            tags: vec!["安全生产".into()],
            ..crate::testing::reply(file, number, dept, date)
        }
    }

    #[test]
    fn urls_come_from_paths_and_stay_ascii() {
        assert_eq!(
            reply_url(std::path::Path::new("2023/proposal-146.md")),
            "replies/2023/proposal-146/"
        );
        assert_eq!(
            reply_url(std::path::Path::new("2023/第146号提案.md")),
            "replies/2023/di-146-hao-ti-an/"
        );
    }

    #[test]
    fn newest_first_and_terms() {
        let site = build_site(
            config(),
            vec![
                reply("a.md", "9", "抚顺市应急管理局", "2023-03-27"),
                reply("b.md", "10", "抚顺市教育局", "2024-01-02"),
                reply("c.md", "11", "抚顺市应急管理局", "2023-05-01"),
            ],
        )
        .unwrap();
        let numbers: Vec<&str> = site
            .entries
            .iter()
            .map(|e| e.reply.number.as_str())
            .collect();
        assert_eq!(numbers, vec!["10", "11", "9"]);
        let years = site.dimension(Dim::Year).unwrap();
        assert_eq!(
            years
                .terms
                .iter()
                .map(|t| t.name.as_str())
                .collect::<Vec<_>>(),
            vec!["2024", "2023"]
        );
        let of_2023: Vec<usize> = site.positions_of(&years.terms[1].entries).collect();
        assert_eq!(of_2023, vec![1, 2]);
        // Ids are the files' order (a, b, c), positions the site's (b, c, a).
        assert_eq!(years.terms[1].entries, vec![EntryId(2), EntryId(0)]);
        let depts = site.dimension(Dim::Department).unwrap();
        assert_eq!(depts.terms[0].url, "departments/fu-shun-shi-jiao-yu-ju/");
        assert_eq!(
            site.dimension(Dim::Category).unwrap().terms[0].url,
            "categories/a/"
        );
    }

    #[test]
    fn index_codes_are_stable_when_replies_are_added() {
        let one = build_site(config(), vec![reply("a.md", "9", "甲局", "2023-03-27")]).unwrap();
        let code = one.entries[0].index_code.clone();
        assert!(code.starts_with("ORG/2023-"), "{code}");
        let more: Vec<Reply> = (0..50)
            .map(|n| reply(&format!("x{n}.md"), &n.to_string(), "乙局", "2023-01-01"))
            .collect();
        let mut all = more;
        all.push(reply("a.md", "9", "甲局", "2023-03-27"));
        let two = build_site(config(), all).unwrap();
        let again = two
            .entries
            .iter()
            .find(|e| e.reply.number == "9" && e.reply.department == "甲局")
            .unwrap();
        assert_eq!(again.index_code, code);
        let codes: BTreeSet<&str> = two.entries.iter().map(|e| e.index_code.as_str()).collect();
        assert_eq!(codes.len(), two.entries.len(), "unique");
    }

    #[test]
    fn clashing_urls_are_errors() {
        let errs = build_site(
            config(),
            vec![
                reply("第1号.md", "1", "甲局", "2023-01-01"),
                reply("di-1-hao.md", "2", "甲局", "2023-01-01"),
            ],
        )
        .unwrap_err();
        assert!(
            errs[0].message.en().contains("same address"),
            "{:?}",
            errs[0].message
        );
    }

    /// `Site::replace` gives the site `build_site` gives, over a long run of random edits
    /// (dates, departments, names, tags, categories, given 索引号, files added and removed).
    #[test]
    fn replacing_one_reply_equals_building_afresh() {
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let mut next = move |n: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n as u64) as usize
        };
        let depts = ["甲局", "乙局", "丙委", "丁办"];
        let people = ["吴忠彦", "李四", "王五", "赵六", "孙七"];
        let tags = ["燃气", "管网", "教育", "交通"];
        let random_reply = |file: usize, next: &mut dyn FnMut(usize) -> usize| {
            let date = format!("202{}-0{}-1{}", 2 + next(3), 1 + next(9), next(10));
            let mut r = reply(
                &format!("f{file}.md"),
                &(1 + next(12)).to_string(),
                depts[next(depts.len())],
                &date,
            );
            r.representatives = (0..1 + next(2))
                .map(|_| people[next(people.len())].to_string())
                .collect();
            r.representatives.dedup();
            r.tags = (0..next(3))
                .map(|_| tags[next(tags.len())].to_string())
                .collect();
            r.tags.dedup();
            r.category = ["A", "B", "C", "D"].get(next(5)).map(|c| c.to_string());
            r.title = format!("关于第{}号的提案", next(100));
            if next(8) == 0 {
                r.index_code = Some(format!("ORG/given-{file}"));
            }
            r
        };
        let mut replies: Vec<Option<Reply>> =
            (0..30).map(|f| Some(random_reply(f, &mut next))).collect();
        let valid = |set: &[Option<Reply>]| -> Vec<Reply> {
            // As check_duplicates would demand: one reply per identity, a given 索引号 once.
            let mut seen = BTreeSet::new();
            let mut codes = BTreeSet::new();
            set.iter()
                .flatten()
                .filter(|r| {
                    seen.insert((r.session.clone(), r.number.clone(), r.department.clone()))
                        && r.index_code
                            .as_ref()
                            .is_none_or(|c| codes.insert(c.clone()))
                })
                .cloned()
                .collect()
        };
        let mut current: Vec<Option<Reply>> = replies.clone();
        // Keep only the replies a valid site may hold.
        let keep = valid(&current);
        for slot in current.iter_mut() {
            if let Some(r) = slot
                && !keep.iter().any(|k| k.source == r.source)
            {
                *slot = None;
            }
        }
        replies.clone_from(&current);
        let mut site = build_site(config(), valid(&replies)).unwrap();
        let (mut patched, mut clashes, mut patched_with_clashes) = (0, 0, 0);
        for step in 0..600 {
            let file = next(40);
            let old_slot = replies.get(file).cloned().flatten();
            let new = match next(6) {
                0 => None,
                _ => {
                    let mut r = random_reply(file, &mut next);
                    // Now and then, a given 索引号 that another reply holds (generated or given).
                    if next(10) == 0 && !site.entries.is_empty() {
                        r.index_code =
                            Some(site.entries[next(site.entries.len())].index_code.clone());
                    }
                    Some(r)
                }
            };
            let mut candidate = replies.clone();
            candidate.resize(candidate.len().max(file + 1), None);
            candidate[file] = new.clone();
            if valid(&candidate).len() != candidate.iter().flatten().count() {
                continue; // a duplicate: the builder leaves that to a full build
            }
            let source = PathBuf::from(format!("content/f{file}.md"));
            let before = format!("{site:?}");
            let clashed_before = !site.codes_unclashed;
            let fresh = build_site(config(), valid(&candidate));
            match site.replace(&source, new.map(Arc::new)) {
                Some(_) => {
                    patched += 1;
                    patched_with_clashes += usize::from(clashed_before);
                    let fresh = fresh.unwrap_or_else(|e| {
                        panic!(
                            "step {step}: patched, but a fresh build fails: {:?}",
                            e[0].message
                        )
                    });
                    assert_eq!(
                        format!("{:?}", site.renumbered()),
                        format!("{:?}", fresh.renumbered()),
                        "step {step}"
                    );
                }
                None => {
                    assert_eq!(format!("{site:?}"), before, "step {step}: untouched");
                    match fresh {
                        Ok(fresh) => site = fresh,
                        Err(_) => continue,
                    }
                }
            }
            let _ = old_slot;
            clashes += usize::from(!site.codes_unclashed);
            replies = candidate;
        }
        assert!(patched > 100, "only {patched} edits were patched");
        assert!(clashes > 0, "no 索引号 clash was tried");
        // A site with moved codes is still patched when the change does not touch them.
        assert!(
            patched_with_clashes > 10,
            "only {patched_with_clashes} edits were patched beside clashes"
        );
    }

    #[test]
    fn pagination_urls() {
        assert_eq!(page_url("years/2023/", 1), "years/2023/");
        assert_eq!(page_url("years/2023/", 3), "years/2023/page/3/");
        assert_eq!(page_count(0, 20), 1);
        assert_eq!(page_count(40, 20), 2);
        assert_eq!(page_count(41, 20), 3);
    }
}
