//! Every integration test of the server in one binary, one module per
//! feature: a change links the server once instead of once per file. Each
//! test starts the real app on `127.0.0.1:0` against a real SQLite file
//! (see [`common::TestApp`]).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test that cannot go on fails loudly"
)]

mod common;

mod accounts;
mod admin;
mod alignment;
mod api;
mod auth;
mod backup;
mod board;
mod checkins;
mod cli;
mod compression;
mod concurrency;
mod headers;
mod health;
mod home;
mod instances;
mod key_results;
mod kpis;
mod lessons;
mod live;
mod logs;
mod metrics;
mod migrations;
mod overlaps;
mod retro;
mod rhythm;
mod rights;
mod routing;
mod schema;
mod screens;
mod security;
mod sessions;
mod site;
mod transfer;
