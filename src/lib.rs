//! dafu: publishes government replies to 政协提案 and 人大代表建议 as a static disclosure portal.
//!
//! The pipeline, one module per stage, plain data flowing one way:
//! [`config`] + [`load`] → [`validate`] → [`model`] → [`render`] → [`output`], driven by [`build`].

pub mod config;
pub mod diagnostics;
pub mod load;
pub mod markdown;
pub mod reply;
pub mod slug;
pub mod validate;
