//! Helpers for the unit tests.

/// A small deterministic random source (xorshift): tests print the seed that failed.
pub struct Rng(pub u64);

impl Rng {
    /// A number in `0..n`.
    pub fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }
}

/// A valid reply for unit tests, from `content/<file>`: proposal `number` of 市政协十四届一次会议,
/// answered by `department` on `date`; every other field plain (set them with `..reply(…)`).
pub fn reply(
    file: &str,
    number: &str,
    department: &str,
    date: chrono::NaiveDate,
) -> crate::reply::Reply {
    use crate::reply::{Handling, Kind, Reply};
    Reply {
        source: std::path::PathBuf::from(format!("content/{file}")),
        rel: std::path::PathBuf::from(file),
        title: format!("关于{number}的提案"),
        kind: Kind::Proposal,
        number: number.into(),
        session: "市政协十四届一次会议".into(),
        representatives: vec!["吴忠彦".into()],
        department: department.into(),
        date,
        handling: Handling::Lead,
        co_departments: vec![],
        category: None,
        doc_number: None,
        signer: None,
        contact: None,
        cc: vec![],
        published: date,
        index_code: None,
        tags: vec![],
        draft: false,
        body: "".into(),
        body_fp: 0,
        body_line: 1,
        replaced: Vec::new(),
        number_written: None,
        attachments: Vec::new(),
        satisfaction: None,
        department_written: None,
    }
}
