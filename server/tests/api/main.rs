//! Markwell's integration tests: one binary, a file per feature.

mod access;
mod accounts;
mod attendance;
mod auth;
mod backup;
mod classroom;
mod crash;
mod demo;
mod email_choices;
mod frameworks;
mod groups;
mod hardening;
mod helpers;
mod homework;
mod markbook;
mod mis;
mod parent_account;
mod parents;
mod progress;
mod proxy;
mod reports;
mod security;
mod site;
mod usage;
mod what_parents_see;
mod writes;
