//! dafu: publishes government replies to 政协提案 and 人大代表建议 as a static disclosure portal.
//!
//! The pipeline, one module per stage, plain data flowing one way:
//! [`config`] + [`load`] → [`validate`] → [`model`] → [`render`] (with [`markdown`] and
//! [`theme`]) → [`output`]. [`pipeline`] runs the stages with their caches; [`build`],
//! [`check`] and [`serve`] drive it. [`cli`] is the command line.

// Diagnostics are large, but they travel only on the error path; boxing them buys nothing.
#![allow(clippy::result_large_err)]

pub mod attachments;
pub mod authority;
pub mod build;
pub mod check;
pub mod cli;
pub mod config;
pub mod diagnostics;
pub mod feed;
pub mod hashing;
pub mod import;
pub mod load;
pub mod markdown;
pub mod messages;
pub mod model;
pub mod opendata;
pub mod output;
pub mod pipeline;
pub mod plaintext;
pub mod policy;
pub mod render;
pub mod reply;
pub mod scaffold;
pub mod search;
pub mod serve;
pub mod slug;
pub mod spill;
#[cfg(test)]
mod testing;
pub mod theme;
pub mod validate;
