//! Deadlines of the review policy, counted in whole days from the incident's `date`:
//!
//! - `review-late`: `review_date` after the severity's `review_within_days`;
//! - `publish-late`: `published` after `publish_within_days`;
//! - `writeup-overdue`: status still `draft` or `review` on "today" after `publish_within_days`;
//! - `action-not-followed-up`: an action item still `Open` without a `Ticket` on "today" after
//!   `actions_within_days`.
//!
//! Days late = (actual day − incident date) − window, in calendar days; a finding needs at
//! least one day late, so a review held on the last day of its window is on time.

use super::{ACTION_NOT_FOLLOWED_UP, Findings, PUBLISH_LATE, REVIEW_LATE, WRITEUP_OVERDUE};
use crate::config::Config;
use crate::model::{ActionStatus, Incident, ReportStatus};
use chrono::{Days, NaiveDate};

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

/// When the write-up of `inc` is overdue on `today`: (last day of the window, days late).
pub fn writeup_overdue(
    inc: &Incident,
    config: &Config,
    today: NaiveDate,
) -> Option<(NaiveDate, i64)> {
    if inc.status == ReportStatus::Published {
        return None;
    }
    let late = days_late(inc.date, today, config.publish_within_days);
    (late > 0).then(|| (deadline(inc.date, config.publish_within_days), late))
}

/// Runs the deadline rules on one incident.
pub fn check(inc: &Incident, config: &Config, today: NaiveDate, f: &mut Findings<'_>) {
    let fm = &inc.report.front;
    let at = |s: &Option<crate::frontmatter::Spanned<String>>| {
        s.as_ref().map(|s| (s.line, s.col)).unwrap_or((1, 1))
    };
    let window = config
        .severity_policy(&inc.severity)
        .and_then(|p| p.review_within_days);
    if let (Some(w), Some(held)) = (window, inc.review_date) {
        let late = days_late(inc.date, held, w);
        if late > 0 {
            let (line, col) = at(&fm.review_date);
            f.push(
                REVIEW_LATE,
                line,
                col,
                format!(
                    "review held {late} {} late: {} reviews are due within {w} days of the incident (by {}), this one was held on {held}",
                    plural(late),
                    inc.severity,
                    deadline(inc.date, w)
                ),
                "hold the review while memories and logs are fresh; if the date is a typo, fix `review_date`",
            );
        }
    }
    let pw = config.publish_within_days;
    if let Some(published) = inc.published {
        let late = days_late(inc.date, published, pw);
        if late > 0 {
            let (line, col) = at(&fm.published);
            f.push(
                PUBLISH_LATE,
                line,
                col,
                format!(
                    "write-up published {late} {} late: due within {pw} days of the incident (by {}), published on {published}",
                    plural(late),
                    deadline(inc.date, pw)
                ),
                "publish within publish_within_days of site.toml so the lessons reach people while they still matter",
            );
        }
    }
    if let Some((due, late)) = writeup_overdue(inc, config, today) {
        let (line, col) = at(&fm.status);
        f.push(
            WRITEUP_OVERDUE,
            line,
            col,
            format!(
                "write-up {late} {} overdue: status is still `{}`; write-ups are published within {pw} days of the incident (by {due})",
                plural(late),
                inc.status.as_str()
            ),
            "finish the review and set `status: published` with the `published` date",
        );
    }
    let aw = config.actions_within_days;
    let late = days_late(inc.date, today, aw);
    if late > 0 {
        for a in inc
            .actions
            .iter()
            .filter(|a| a.status == ActionStatus::Open && a.ticket.is_none())
        {
            f.push(
                ACTION_NOT_FOLLOWED_UP,
                a.line,
                1,
                format!(
                    "action item `{}` not followed up: still Open with no ticket {late} {} after its follow-up deadline (by {}, {aw} days after the incident)",
                    a.title,
                    plural(late),
                    deadline(inc.date, aw)
                ),
                "follow up: start it (`**Status:** In Progress`), link its `**Ticket:**`, or close it as Done or Won't Do with a reason",
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
