//! The reply page: one reply, its metadata table and body, the other replies to the same
//! proposal and the department's latest.

use std::sync::Arc;

use serde::Serialize;

use super::*;

#[derive(Serialize, Hash)]
pub struct ReplyView {
    pub title: String,
    pub kind: Link,
    pub kind_label: &'static str,
    pub role: &'static str,
    pub role_noun: &'static str,
    pub number: String,
    pub session: Link,
    pub representatives: Vec<Link>,
    pub department: Link,
    /// The department as the letter names itself (a former name, 机构改革), for the 落款.
    pub signed_by: String,
    pub date_iso: String,
    pub date_cn: String,
    pub published_iso: String,
    pub published_cn: String,
    pub handling: Handling,
    pub handling_label: &'static str,
    pub co_departments: Vec<String>,
    pub category: Option<Link>,
    pub doc_number: Option<String>,
    pub signer: Option<String>,
    pub contact: Option<Contact>,
    pub cc: Vec<String>,
    pub index_code: String,
    pub topic: String,
    pub tags: Vec<Link>,
    /// 办理结果评价, when the reply records it.
    pub satisfaction: Option<String>,
    /// 附件, in the order the reply lists them.
    pub attachments: Vec<AttachmentView>,
    pub body_html: BodyHtml,
}

/// One attachment as the reply page lists it.
#[derive(Serialize, Hash)]
pub struct AttachmentView {
    pub title: String,
    /// Relative to the reply's page (the file is published beside it).
    pub url: String,
    /// The original file name, which the browser saves it as.
    pub name: String,
    pub kind: String,
    pub mime: String,
    pub size: String,
}

#[derive(Serialize, Hash)]
pub struct ReplyContext<'a> {
    pub site: Shared<'a, SiteView<'a>>,
    pub page: PageView,
    pub reply: ReplyView,
    pub same_proposal: Vec<Card<'a>>,
    pub department_more: Vec<Card<'a>>,
}

/// A reply page's URL, template and context.
pub(super) fn context<'a>(
    rd: &'a Renderer<'_>,
    i: usize,
    purpose: Purpose,
) -> (String, &'static str, PageContext<'a>) {
    let full = purpose.renders();
    let body = match purpose {
        Purpose::Render(body) => body,
        Purpose::Fingerprint => None,
    };
    let site = rd.site;
    let e = &site.entries[i];
    let r = &e.reply;
    let description = format!(
        "{}对{}第{}号{}的答复",
        r.department,
        r.session,
        r.number,
        r.kind.label()
    );
    let page = rd.page(&e.url, &r.title, &description, "", "答复详情");
    let same_proposal = rd.same_proposal(i).map(|j| rd.card(j, full)).collect();
    let department_more = rd
        .department(i)
        .map(|t| {
            rd.site
                .positions_of(&t.entries)
                .filter(|&j| j != i)
                .take(DEPARTMENT_MORE)
                .map(|j| rd.card(j, full))
                .collect()
        })
        .unwrap_or_default();
    let reply = reply_view(rd, i, body);
    let ctx = ReplyContext {
        site: Shared(&rd.view),
        page,
        reply,
        same_proposal,
        department_more,
    };
    (
        e.url.clone(),
        "reply.html",
        PageContext::Reply(Box::new(ctx)),
    )
}

fn reply_view(rd: &Renderer<'_>, i: usize, body: Option<Arc<Rendered>>) -> ReplyView {
    let e = &rd.site.entries[i];
    let r = &e.reply;
    let config = &rd.site.config;
    let category = r
        .category
        .as_ref()
        .and_then(|k| config.category(k))
        .map(|c| Link {
            name: crate::model::category_name(&c.key),
            url: rd
                .site
                .dimension(Dim::Category)
                .and_then(|d| {
                    d.terms
                        .iter()
                        .find(|t| t.name == crate::model::category_name(&c.key))
                })
                .map(|t| t.url.clone())
                .unwrap_or_default(),
            note: c.label.clone(),
        });
    let tags: Vec<Link> = r
        .tags
        .iter()
        .zip(&e.tag_slugs)
        .map(|(t, s)| Link {
            name: t.clone(),
            url: format!("tags/{s}/"),
            note: String::new(),
        })
        .collect();
    let topic = if r.tags.is_empty() {
        "建议提案办理".to_string()
    } else {
        r.tags.join("；")
    };
    ReplyView {
        title: r.title.clone(),
        kind: Link {
            name: r.kind.long_label().into(),
            url: format!("kinds/{}/", r.kind.key()),
            note: String::new(),
        },
        kind_label: r.kind.label(),
        role: r.kind.role(),
        role_noun: match r.kind {
            crate::reply::Kind::Proposal => "提案委员",
            crate::reply::Kind::Suggestion => "建议代表",
        },
        number: r.number.clone(),
        session: Link {
            name: r.session.clone(),
            url: format!("sessions/{}/", e.session_slug),
            note: String::new(),
        },
        representatives: r
            .representatives
            .iter()
            .zip(&e.representative_slugs)
            .map(|(n, s)| Link {
                name: n.clone(),
                url: format!("representatives/{s}/"),
                note: String::new(),
            })
            .collect(),
        department: Link {
            name: r.department.clone(),
            url: format!("departments/{}/", e.department_slug),
            note: String::new(),
        },
        signed_by: r
            .department_written
            .clone()
            .unwrap_or_else(|| r.department.clone()),
        date_iso: r.date.to_string(),
        date_cn: date_cn(r.date),
        published_iso: r.published.to_string(),
        published_cn: date_cn(r.published),
        handling: r.handling,
        handling_label: r.handling.label(),
        co_departments: r.co_departments.clone(),
        category,
        doc_number: r.doc_number.clone(),
        signer: r.signer.clone(),
        contact: r.contact.clone(),
        cc: r.cc.clone(),
        index_code: e.index_code.clone(),
        topic,
        tags,
        satisfaction: r.satisfaction.clone(),
        attachments: r
            .attachments
            .iter()
            .map(|a| AttachmentView {
                title: a.title.clone(),
                url: a.published.clone(),
                name: a.name.clone(),
                kind: a.kind.clone(),
                mime: a.mime.clone(),
                size: crate::attachments::size_text(a.size),
            })
            .collect(),
        body_html: BodyHtml {
            fingerprint: rd.site.entries[i].reply.body_fp,
            html: body,
        },
    }
}
