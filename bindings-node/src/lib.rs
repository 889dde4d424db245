//! Node.js binding of brandrail (napi-rs).
//!
//! ```js
//! const { Engine, Policy } = require('brandrail')
//! const engine = Engine.inMemory()
//! engine.bootstrap({ handle: 'it.admin', displayName: 'IT Admin', department: 'it' })
//! ```
//!
//! One file per core module (`access`, `approval`, `audit`, `content`, `crm`,
//! `policy`), plus the `Engine` class itself (`engine`), the one error mapping
//! (`error`) and the shared value conversions (`convert`). The binding
//! converts types and errors and nothing else: every rule lives in the
//! `brandrail` crate.

#![deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

// The Engine class first: its factories then lead the generated `index.d.ts`.
mod engine;

mod access;
mod approval;
mod audit;
mod content;
mod convert;
mod crm;
mod error;
mod policy;
