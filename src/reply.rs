//! The validated reply: plain data, the output of the validate stage.

use std::path::PathBuf;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// 政协提案, answered to a 委员.
    Proposal,
    /// 人大代表建议, answered to a 代表.
    Suggestion,
}

impl Kind {
    pub const ALL: [Kind; 2] = [Kind::Proposal, Kind::Suggestion];

    pub fn key(self) -> &'static str {
        match self {
            Kind::Proposal => "proposal",
            Kind::Suggestion => "suggestion",
        }
    }
    /// 提案 / 建议
    pub fn label(self) -> &'static str {
        match self {
            Kind::Proposal => "提案",
            Kind::Suggestion => "建议",
        }
    }
    /// The long name used in headings: 政协提案 / 人大代表建议.
    pub fn long_label(self) -> &'static str {
        match self {
            Kind::Proposal => "政协提案",
            Kind::Suggestion => "人大代表建议",
        }
    }
    /// How the representative is addressed: 委员 / 代表.
    pub fn role(self) -> &'static str {
        match self {
            Kind::Proposal => "委员",
            Kind::Suggestion => "代表",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Handling {
    /// 主办: the lead department's reply.
    #[default]
    Lead,
    /// 会办: a co-handling department's reply.
    Co,
}

impl Handling {
    pub fn label(self) -> &'static str {
        match self {
            Handling::Lead => "主办",
            Handling::Co => "会办",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Contact {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub address: String,
}

/// A file attached to a reply (附件): the signed letter as PDF, a table as .xlsx.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct Attachment {
    /// As the reply names it (relative to the reply's file), for messages and body links.
    pub written: String,
    /// What the reply page calls it (its file name without extension when no title is given).
    pub title: String,
    /// Path relative to content/.
    pub source: PathBuf,
    /// The original file name: the name it downloads under.
    pub name: String,
    /// The ASCII name it is published under, beside the reply's page.
    pub published: String,
    /// Kind as the reply page calls it (`PDF 文档`) and media type.
    pub kind: String,
    pub mime: String,
    pub size: u64,
    /// Hash of the bytes: the output folder's copy is rewritten only when it changes.
    pub hash: u64,
    /// The file's modification time when it was hashed (seconds, nanoseconds).
    pub modified: (u64, u32),
    /// Where the reply names it (line, column); 0 for a file found beside `index.md`.
    pub line: usize,
    pub column: usize,
}

/// One reply, every field checked. The build cache stores it without its body (which is
/// read again from the file when a page needs it).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Reply {
    /// Path shown to users (`content/2023/proposal-146.md`).
    pub source: PathBuf,
    /// Path relative to `content/`.
    pub rel: PathBuf,
    pub title: String,
    pub kind: Kind,
    /// The number alone (`146`); the page adds 第…号.
    pub number: String,
    /// The number as the file wrote it, when that was `第146号` or `146号` (a warning), with
    /// its line and column.
    #[serde(default)]
    pub number_written: Option<(String, usize, usize)>,
    pub session: String,
    pub representatives: Vec<String>,
    /// The department that answered, by its current name (see `department_written`).
    pub department: String,
    /// The name as the file wrote it, when it is a former name (机构改革) of `department`.
    #[serde(default)]
    pub department_written: Option<String>,
    pub date: NaiveDate,
    pub handling: Handling,
    pub co_departments: Vec<String>,
    /// Key in the site's category vocabulary.
    pub category: Option<String>,
    pub doc_number: Option<String>,
    pub signer: Option<String>,
    pub contact: Option<Contact>,
    pub cc: Vec<String>,
    pub published: NaiveDate,
    /// 索引号 as written in front matter; generated ones are assigned by the site model.
    pub index_code: Option<String>,
    pub tags: Vec<String>,
    /// How the representatives judged the handling (满意 …), a key of site.toml's list.
    #[serde(default)]
    pub satisfaction: Option<String>,
    /// Files published with the reply, in the order it lists them.
    #[serde(default)]
    pub attachments: Vec<Attachment>,
    pub draft: bool,
    /// The Markdown text after the front matter.
    #[serde(skip)]
    pub body: std::sync::Arc<str>,
    /// Fingerprint of the Markdown body (what a reply page shows of it; kept, in the build
    /// cache too, when the body itself is not).
    pub body_fp: u64,
    /// The line of the file on which the body starts (1-based), for body diagnostics.
    pub body_line: usize,
    /// Control characters replaced when the file was read: line, column, character.
    pub replaced: Vec<(usize, usize, char)>,
}

impl Reply {
    /// The proposal this reply answers: (session, kind, number).
    pub fn proposal_key(&self) -> (&str, Kind, &str) {
        (&self.session, self.kind, &self.number)
    }

    /// What makes a reply one of a kind: one department's reply to one proposal. Two files
    /// with the same identity are duplicates.
    pub fn identity(&self) -> (&str, Kind, &str, &str) {
        (&self.session, self.kind, &self.number, &self.department)
    }
}

/// The Chinese meaning of a front-matter field, shown beside its name in messages.
pub fn field_meaning(field: &str) -> crate::messages::Msg {
    match field {
        "title" => crate::msg!("field-title"),
        "kind" => crate::msg!("field-kind"),
        "number" => crate::msg!("field-number"),
        "session" => crate::msg!("field-session"),
        "representative" => crate::msg!("field-representative"),
        "department" => crate::msg!("field-department"),
        "date" => crate::msg!("field-date"),
        "handling" => crate::msg!("field-handling"),
        "co_departments" => crate::msg!("field-co-departments"),
        "category" => crate::msg!("field-category"),
        "doc_number" => crate::msg!("field-doc-number"),
        "signer" => crate::msg!("field-signer"),
        "contact" => crate::msg!("field-contact"),
        "cc" => crate::msg!("field-cc"),
        "published" => crate::msg!("field-published"),
        "index_code" => crate::msg!("field-index-code"),
        "tags" => crate::msg!("field-tags"),
        "attachments" => crate::msg!("field-attachments"),
        "satisfaction" => crate::msg!("field-satisfaction"),
        "draft" => crate::msg!("field-draft"),
        _ => crate::msg!("field-unknown"),
    }
}
