//! Every message a user sees, in one Fluent catalogue per language (`zh-CN.ftl`, `en.ftl`
//! beside this file), so that a translator works on one file and the code holds no wording.
//!
//! Code names a message by its id and arguments ([`msg!`](crate::msg)); the wording is looked
//! up only when the message is shown, in the language of the person reading it ([`Lang`]).
//! Diagnostics therefore stay plain data: the same problem prints in Chinese on the terminal
//! and in English in a test.

use std::borrow::Cow;
use std::fmt;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};

/// The Chinese catalogue (the default).
pub const ZH_CN: &str = include_str!("zh-CN.ftl");
/// The English catalogue.
pub const EN: &str = include_str!("en.ftl");

/// The language messages are shown in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    Zh,
    En,
}

impl Lang {
    /// A language tag as written in `--lang`, `DAFU_LANG` or site.toml's `language`:
    /// Chinese for `zh…`, English for anything else.
    pub fn from_tag(tag: &str) -> Lang {
        if tag.trim().to_ascii_lowercase().starts_with("zh") {
            Lang::Zh
        } else {
            Lang::En
        }
    }

    /// The language for a run: `--lang`, else `DAFU_LANG`, else the site's `language` (read
    /// from site.toml without judging the rest of it), else Chinese.
    pub fn choose(flag: Option<&str>, root: &std::path::Path) -> Lang {
        if let Some(tag) = flag.filter(|t| !t.trim().is_empty()) {
            return Lang::from_tag(tag);
        }
        if let Ok(tag) = std::env::var("DAFU_LANG")
            && !tag.trim().is_empty()
        {
            return Lang::from_tag(&tag);
        }
        std::fs::read_to_string(root.join("site.toml"))
            .ok()
            .and_then(|text| text.parse::<toml::Table>().ok())
            .and_then(|t| t.get("language")?.as_str().map(Lang::from_tag))
            .unwrap_or_default()
    }

    fn source(self) -> (&'static str, &'static str) {
        match self {
            Lang::Zh => ("zh-CN", ZH_CN),
            Lang::En => ("en", EN),
        }
    }
}

/// One argument of a message.
#[derive(Debug, Clone, PartialEq)]
pub enum Arg {
    Text(String),
    Number(f64),
    /// A message inside a message (a reason, a problem that is wrapped).
    Msg(Box<Msg>),
}

impl Eq for Arg {}

impl From<&str> for Arg {
    fn from(s: &str) -> Arg {
        Arg::Text(s.to_string())
    }
}
impl From<String> for Arg {
    fn from(s: String) -> Arg {
        Arg::Text(s)
    }
}
impl From<&String> for Arg {
    fn from(s: &String) -> Arg {
        Arg::Text(s.clone())
    }
}
impl From<char> for Arg {
    fn from(c: char) -> Arg {
        Arg::Text(c.to_string())
    }
}
impl From<Msg> for Arg {
    fn from(m: Msg) -> Arg {
        Arg::Msg(Box::new(m))
    }
}
impl From<&std::path::Path> for Arg {
    fn from(p: &std::path::Path) -> Arg {
        Arg::Text(p.display().to_string())
    }
}
impl From<&std::path::PathBuf> for Arg {
    fn from(p: &std::path::PathBuf) -> Arg {
        Arg::Text(p.display().to_string())
    }
}
macro_rules! number_arg {
    ($($t:ty),*) => {$(
        impl From<$t> for Arg {
            fn from(n: $t) -> Arg {
                Arg::Number(n as f64)
            }
        }
    )*};
}
number_arg!(usize, u64, u32, u16, i64, i32, f64);

/// A message by id with its arguments; worded only when shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Msg {
    pub id: &'static str,
    pub args: Vec<(&'static str, Arg)>,
}

impl Msg {
    pub fn new(id: &'static str, args: Vec<(&'static str, Arg)>) -> Msg {
        Msg { id, args }
    }

    /// The message in English, for assertions in unit tests.
    #[cfg(test)]
    pub fn en(&self) -> String {
        Catalogue::new(Lang::En).get(self)
    }

    /// The value of a text argument (for code that decides by what a message says).
    pub fn arg(&self, name: &str) -> Option<&str> {
        self.args.iter().find_map(|(k, v)| match v {
            Arg::Text(t) if *k == name => Some(t.as_str()),
            _ => None,
        })
    }
}

/// `msg!(id, name = value, …)` (the id a string literal): a [`Msg`] with its arguments.
#[macro_export]
macro_rules! msg {
    ($id:literal $(, $k:ident = $v:expr)* $(,)?) => {
        $crate::messages::Msg::new($id, vec![$((stringify!($k), $crate::messages::Arg::from($v))),*])
    };
}

/// A language's catalogue, ready to word messages. Cheap to share between threads.
pub struct Catalogue {
    lang: Lang,
    bundle: FluentBundle<FluentResource>,
}

impl fmt::Debug for Catalogue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Catalogue({:?})", self.lang)
    }
}

impl Catalogue {
    pub fn new(lang: Lang) -> Catalogue {
        let (tag, text) = lang.source();
        // A catalogue with a syntax error still loads the messages around it; the test
        // `catalogues_parse` keeps both files clean.
        let resource = FluentResource::try_new(text.to_string()).unwrap_or_else(|(r, _)| r);
        let locale = tag.parse().unwrap_or_default();
        let mut bundle = FluentBundle::new_concurrent(vec![locale]);
        // Unicode isolation marks would end up in terminals and log files.
        bundle.set_use_isolating(false);
        let _ = bundle.add_resource(resource);
        Catalogue { lang, bundle }
    }

    pub fn lang(&self) -> Lang {
        self.lang
    }

    /// The message in this language. An id missing from the catalogue (a bug the tests
    /// catch) shows as the id with its arguments rather than failing.
    pub fn get(&self, m: &Msg) -> String {
        self.format(m, &mut Vec::new())
    }

    /// A message without arguments.
    pub fn text(&self, id: &'static str) -> String {
        self.get(&Msg::new(id, Vec::new()))
    }

    fn format(&self, m: &Msg, errors: &mut Vec<fluent_bundle::FluentError>) -> String {
        let Some(pattern) = self.bundle.get_message(m.id).and_then(|msg| msg.value()) else {
            let args: Vec<String> = m
                .args
                .iter()
                .map(|(k, v)| format!("{k}={}", self.arg_text(v)))
                .collect();
            return format!("{} {}", m.id, args.join(" "))
                .trim_end()
                .to_string();
        };
        let mut args = FluentArgs::new();
        for (k, v) in &m.args {
            let value = match v {
                Arg::Number(n) => FluentValue::from(*n),
                other => FluentValue::String(Cow::Owned(self.arg_text(other))),
            };
            args.set(*k, value);
        }
        self.bundle
            .format_pattern(pattern, Some(&args), errors)
            .into_owned()
    }

    fn arg_text(&self, a: &Arg) -> String {
        match a {
            Arg::Text(t) => t.clone(),
            Arg::Number(n) => n.to_string(),
            Arg::Msg(m) => self.get(m),
        }
    }

    /// Words a message and returns the problems Fluent found (a variable the catalogue
    /// uses but the code does not pass): for the tests.
    pub fn check(&self, m: &Msg) -> Result<String, String> {
        if self
            .bundle
            .get_message(m.id)
            .and_then(|x| x.value())
            .is_none()
        {
            return Err(format!("{:?}: no message `{}`", self.lang, m.id));
        }
        let mut errors = Vec::new();
        let text = self.format(m, &mut errors);
        if errors.is_empty() {
            Ok(text)
        } else {
            Err(format!("{:?} `{}`: {errors:?}", self.lang, m.id))
        }
    }
}

/// The ids a catalogue defines (messages, not terms).
pub fn ids(text: &str) -> Vec<String> {
    use fluent_syntax::ast::Entry;
    let Ok(resource) = fluent_syntax::parser::parse(text) else {
        return Vec::new();
    };
    resource
        .body
        .iter()
        .filter_map(|e| match e {
            Entry::Message(m) => Some(m.id.name.to_string()),
            _ => None,
        })
        .collect()
}

#[cfg(test)]
mod tests;
