//! Deadlines of the review policy, counted in whole days from the day the incident ended
//! ([`end_day`]: the day of `resolved`, else of the timeline's last dated entry, else `date`),
//! as the review guide lists them after "Incident occurs → Mitigated → Resolved":
//!
//! - `review-late`: `review_date` after the severity's `review_within_days`, or no
//!   `review_date` on "today" after it;
//! - `publish-late`: `published` after `publish_within_days`;
//! - `writeup-overdue`: status still `draft` or `review` on "today" after `publish_within_days`;
//! - `action-not-followed-up`: an action item still `Open` without a `Ticket` on "today" after
//!   `actions_within_days`.
//! - `date-in-future`: `date`, `review_date`, `published` or an action item's `Completed`
//!   after "today": each records something that has happened. A review or publication dated
//!   after today is reported by this rule only, not as late.
//!
//! Days late = (actual day − end day) − window, in calendar days; a finding needs at least one
//! day late, so a review held on the last day of its window is on time.

use super::{
    ACTION_NOT_FOLLOWED_UP, DATE_IN_FUTURE, Facts, Findings, PUBLISH_LATE, REVIEW_LATE,
    WRITEUP_OVERDUE,
};
use crate::config::Config;
use crate::load::Report;
use crate::model::{ActionStatus, ReportStatus};
use chrono::{Days, NaiveDate};
use std::borrow::Cow;

/// The day an incident that began on `date` ended, from which its deadlines count: the day of
/// `resolved` (`YYYY-MM-DD HH:MM`; a clock time alone is on `date`), else the latest day a
/// timeline entry names, when later than `date`; else `date`. Read leniently, whether or not
/// the report is valid: what does not parse is left out.
pub fn end_day(r: &Report, date: NaiveDate) -> NaiveDate {
    let day = |s: &str| crate::validate::parse_date(s.trim(), None).ok();
    let resolved = r.front.resolved.as_ref().map(|s| {
        s.value
            .trim()
            .split_once([' ', 'T'])
            .and_then(|(d, _)| day(d))
            .unwrap_or(date)
    });
    let end = resolved.or_else(|| {
        r.timeline
            .iter()
            .filter_map(|e| e.date.as_deref().and_then(day))
            .max()
    });
    end.filter(|&d| d > date).unwrap_or(date)
}

/// How a message names the start of a window counted from `from` for an incident that began
/// on `date`: "the incident" when it ended the day it began, else its end with the day.
fn counted_from(date: NaiveDate, from: NaiveDate) -> Cow<'static, str> {
    if from == date {
        Cow::Borrowed("the incident")
    } else {
        Cow::Owned(format!("the incident's end ({from})"))
    }
}

/// Days late of `actual` for a window of `window` days from `date` (≤ 0 is on time).
pub fn days_late(date: NaiveDate, actual: NaiveDate, window: u32) -> i64 {
    (actual - date).num_days() - i64::from(window)
}

fn plural(n: i64) -> &'static str {
    if n == 1 { "day" } else { "days" }
}

fn deadline(date: NaiveDate, window: u32) -> NaiveDate {
    date.checked_add_days(Days::new(u64::from(window)))
        .unwrap_or(date)
}

/// When a write-up of an incident that ended on `date` ([`end_day`]) with `status` is overdue
/// on `today`: (last day of the publish window, days late).
pub fn writeup_overdue(
    date: NaiveDate,
    status: ReportStatus,
    config: &Config,
    today: NaiveDate,
) -> Option<(NaiveDate, i64)> {
    if status == ReportStatus::Published {
        return None;
    }
    let late = days_late(date, today, config.publish_within_days);
    (late > 0).then(|| (deadline(date, config.publish_within_days), late))
}

/// When the review of an incident that ended on `date` ([`end_day`]), at a level with a
/// review window of `window` days and no `review_date`, is not held on `today`: (last day of
/// the review window, days late).
pub fn review_not_held(
    date: NaiveDate,
    window: Option<u32>,
    today: NaiveDate,
) -> Option<(NaiveDate, i64)> {
    let w = window?;
    let late = days_late(date, today, w);
    (late > 0).then(|| (deadline(date, w), late))
}

/// Runs the deadline rules on one report.
pub fn check(
    r: &Report,
    facts: &Facts<'_>,
    config: &Config,
    today: NaiveDate,
    f: &mut Findings<'_>,
) {
    future_dates(r, facts, today, f);
    let Some(began) = facts.date else {
        return;
    };
    let date = end_day(r, began);
    let of = counted_from(began, date);
    let fm = &r.front;
    let at = |s: &Option<crate::frontmatter::Spanned<String>>| {
        s.as_ref().map(|s| (s.line, s.col)).unwrap_or((1, 1))
    };
    let window = facts
        .severity
        .and_then(|s| config.severity_policy(s))
        .and_then(|p| p.review_within_days);
    // A review window passed with no review recorded (`review_date` missing, not unreadable,
    // which validation reports).
    if let Some(w) = window
        && fm.review_date.is_none()
        && let Some((by, late)) = review_not_held(date, window, today)
    {
        let (line, col) = at(&fm.severity);
        f.push(
            REVIEW_LATE,
            line,
            col,
            format!(
                "no review recorded {late} {} after the review deadline: {} reviews are due within {w} days of {of} (by {by}), and `review_date` is not set",
                plural(late),
                facts.severity.unwrap_or_default(),
            ),
            "hold the review and record its day as `review_date`; the review is where the action items are agreed",
        );
    }
    if let (Some(w), Some(held)) = (window, facts.review_date.filter(|d| *d <= today)) {
        let late = days_late(date, held, w);
        if late > 0 {
            let (line, col) = at(&fm.review_date);
            f.push(
                REVIEW_LATE,
                line,
                col,
                format!(
                    "review held {late} {} late: {} reviews are due within {w} days of {of} (by {}), this one was held on {held}",
                    plural(late),
                    facts.severity.unwrap_or_default(),
                    deadline(date, w)
                ),
                "hold the review while memories and logs are fresh; if the date is a typo, fix `review_date`",
            );
        }
    }
    let pw = config.publish_within_days;
    if let Some(published) = facts.published.filter(|d| *d <= today) {
        let late = days_late(date, published, pw);
        if late > 0 {
            let (line, col) = at(&fm.published);
            f.push(
                PUBLISH_LATE,
                line,
                col,
                format!(
                    "write-up published {late} {} late: due within {pw} days of {of} (by {}), published on {published}",
                    plural(late),
                    deadline(date, pw)
                ),
                "publish within publish_within_days of site.toml so the lessons reach people while they still matter",
            );
        }
    }
    if let Some((due, late)) = writeup_overdue(date, facts.status, config, today) {
        let (line, col) = at(&fm.status);
        f.push(
            WRITEUP_OVERDUE,
            line,
            col,
            format!(
                "write-up {late} {} overdue: status is still `{}`; write-ups are published within {pw} days of {of} (by {due})",
                plural(late),
                facts.status.as_str()
            ),
            "finish the review and set `status: published` with the `published` date",
        );
    }
    let aw = config.actions_within_days;
    let late = days_late(date, today, aw);
    if late <= 0 {
        return;
    }
    for block in &r.actions {
        let value = |name: &str| {
            block
                .fields
                .iter()
                .find(|x| x.name.eq_ignore_ascii_case(name))
                .map(|x| x.value.trim())
                .unwrap_or("")
        };
        let status = match value("Status") {
            "" => Some(ActionStatus::Open),
            s => ActionStatus::parse(s),
        };
        if status == Some(ActionStatus::Open) && value("Ticket").is_empty() {
            f.push(
                ACTION_NOT_FOLLOWED_UP,
                block.line,
                1,
                format!(
                    "action item `{}` not followed up: still Open with no ticket {late} {} after its follow-up deadline (by {}, {aw} days after {of})",
                    block.title,
                    plural(late),
                    deadline(date, aw)
                ),
                "follow up: start it (`**Status:** In Progress`), link its `**Ticket:**`, or close it as Done or Won't Do with a reason",
            );
        }
    }
}

/// `date-in-future`: the dates of things that have happened (the incident, its review, its
/// publication, an action item's completion) that fall after `today`.
fn future_dates(r: &Report, facts: &Facts<'_>, today: NaiveDate, f: &mut Findings<'_>) {
    if !f.on(DATE_IN_FUTURE) {
        return;
    }
    let fm = &r.front;
    let keys = [
        (
            "date",
            &fm.date,
            facts.date,
            "the day the incident began",
            "check the year and the month; a report is written about an incident that has happened",
        ),
        (
            "review_date",
            &fm.review_date,
            facts.review_date,
            "the day the review was held",
            "set `review_date` once the review has been held, and leave it out until then",
        ),
        (
            "published",
            &fm.published,
            facts.published,
            "the day the write-up was published",
            "set `published` on the day the write-up goes out, and leave it out until then",
        ),
    ];
    for (key, spanned, day, means, hint) in keys {
        if let (Some(s), Some(day)) = (spanned, day)
            && day > today
        {
            f.push(
                DATE_IN_FUTURE,
                s.line,
                s.col,
                format!("`{key}` {day} is after today ({today}): it records {means}"),
                hint,
            );
        }
    }
    for block in &r.actions {
        let Some(x) = block
            .fields
            .iter()
            .find(|x| x.name.eq_ignore_ascii_case("Completed"))
        else {
            continue;
        };
        if let Ok(day) = crate::validate::parse_date(x.value.trim(), None)
            && day > today
        {
            f.push(
                DATE_IN_FUTURE,
                x.line,
                x.col,
                format!(
                    "action item `{}` completed {day}, which is after today ({today})",
                    block.title
                ),
                "set `Completed` on the day the item was done; while it is not, give its `Status`",
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn days_late_is_exact() {
        assert_eq!(days_late(d("2024-03-15"), d("2024-03-22"), 7), 0);
        assert_eq!(days_late(d("2024-03-15"), d("2024-03-23"), 7), 1);
        // Across a month end and a leap day.
        assert_eq!(days_late(d("2024-02-27"), d("2024-03-05"), 3), 4);
        assert_eq!(days_late(d("2023-12-30"), d("2024-01-20"), 14), 7);
    }
}
