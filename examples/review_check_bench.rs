//! The cost of checking a change to a review part by part, as the relay and a direct link
//! do for every change a device sends of a review: a review whose employee typed a
//! self-assessment of `keystrokes` characters, one change per keystroke (as the app saves
//! typing), then `runs` more keystrokes, each checked as it arrives (`check_changes`, on a
//! fork of the review as held) and then taken in, for comparison with what applying it
//! costs anyway. Printed as figures by `cargo xtask bench`; run alone with
//! `cargo run --release --example review_check_bench [keystrokes] [runs]`.

use std::time::Instant;

use automerge::AutoCommit;
use throughline::model::review::{check_changes, Actor, Capacity, Review, ReviewSetup};
use throughline::model::PersonId;

fn main() -> Result<(), String> {
    let mut args = std::env::args().skip(1);
    let keystrokes: usize = args
        .next()
        .map_or(Ok(2_000), |a| a.parse())
        .map_err(|e| format!("keystrokes: {e}"))?;
    let runs: usize = args
        .next()
        .map_or(Ok(50), |a| a.parse())
        .map_err(|e| format!("runs: {e}"))?;
    let (ana, bo) = (PersonId::from("ana"), PersonId::from("bo"));
    let mut doc = AutoCommit::new();
    let mut review = Review::new(ReviewSetup::example(&ana, Some(&bo)));
    let mut typed = String::new();
    let mut type_one = |doc: &mut AutoCommit, i: usize| -> Result<Vec<u8>, String> {
        typed.push(if i % 7 == 6 { ' ' } else { 'a' });
        review.self_assessment.update(&typed);
        autosurgeon::reconcile(doc, &review).map_err(|e| e.to_string())?;
        doc.commit();
        let change = doc.get_last_local_change().ok_or("no change was made")?;
        Ok(change.raw_bytes().to_vec())
    };
    for i in 0..keystrokes {
        type_one(&mut doc, i)?;
    }
    let mut held = doc.fork();
    let saved = held.save().len();

    let arriving = (0..runs)
        .map(|i| type_one(&mut doc, keystrokes + i))
        .collect::<Result<Vec<_>, _>>()?;

    // A fresh fork per message: each keystroke against the review as held, which then
    // takes it (untimed: samod's part).
    let mut held = held;
    let mut live = held.document().fork();
    let mut applied = Vec::with_capacity(runs);
    let fresh = time(&arriving, |change| {
        let started = Instant::now();
        let ana = Actor {
            person: &ana,
            capacity: Capacity::EMPLOYEE,
        };
        check_changes(&live, &[], &[change], ana).map_err(|e| e.to_string())?;
        let took = started.elapsed();
        let started = Instant::now();
        live.load_incremental(change).map_err(|e| e.to_string())?;
        applied.push(started.elapsed().as_secs_f64() * 1000.0);
        Ok(took)
    })?;
    let at = |p: f64| fresh[((fresh.len() - 1) as f64 * p).round() as usize];
    println!(
        "a keystroke checked against a review with {keystrokes} typed before ({saved} bytes saved): p50 {:.2} ms, p95 {:.2} ms (n={runs}); the same keystroke taken in by the document: p50 {:.2} ms",
        at(0.5),
        at(0.95),
        taken_p50(&applied),
    );
    Ok(())
}

/// The median of `times` (milliseconds).
fn taken_p50(times: &[f64]) -> f64 {
    let mut sorted = times.to_vec();
    sorted.sort_by(f64::total_cmp);
    sorted.get(sorted.len() / 2).copied().unwrap_or(0.0)
}

/// How long `check` says it took for each change, in milliseconds, sorted.
fn time(
    changes: &[Vec<u8>],
    mut check: impl FnMut(&[u8]) -> Result<std::time::Duration, String>,
) -> Result<Vec<f64>, String> {
    let mut times = Vec::with_capacity(changes.len());
    for change in changes {
        times.push(check(change)?.as_secs_f64() * 1000.0);
    }
    times.sort_by(f64::total_cmp);
    Ok(times)
}
