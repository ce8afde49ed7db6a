//! kitemark: the panel's tool for accrediting schools' whole-school approach to mental health,
//! over a git repository of submissions, rubrics, meetings and decisions.

pub mod audit;
pub mod cli;
pub mod commands;
pub mod compare;
pub mod demo;
pub mod diff;
pub mod export;
pub mod model;
pub mod record;
pub mod repo;
pub mod synth;
pub mod tui;
pub mod workbook;
pub mod wrap;
