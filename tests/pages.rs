//! What the built pages offer readers beyond their facts: the contrast of the default theme's
//! colours in its light and dark schemes, the names of links, and the wording and head of the
//! pages that vary with the build.

mod common;

use regex::Regex;
use std::collections::HashMap;

/// The `--name: #rrggbb` custom properties declared in `block`.
fn colours(block: &str) -> HashMap<String, [u8; 3]> {
    let decl = Regex::new(r"--([a-z0-9-]+):\s*#([0-9a-fA-F]{6})\b").unwrap();
    decl.captures_iter(block)
        .map(|c| {
            let hex = |i: usize| u8::from_str_radix(&c[2][i..i + 2], 16).unwrap();
            (c[1].to_string(), [hex(0), hex(2), hex(4)])
        })
        .collect()
}

/// The light scheme's colours, and the dark scheme's (the light ones with the dark overrides).
fn schemes(css: &str) -> [(&'static str, HashMap<String, [u8; 3]>); 2] {
    let dark_at = css
        .find("@media (prefers-color-scheme: dark)")
        .expect("a dark scheme");
    let light = colours(&css[css.find(":root").expect(":root")..dark_at]);
    let dark_block = &css[dark_at..];
    let dark_block = &dark_block[..dark_block.find("\n}\n").expect("end of the dark block")];
    let mut dark = light.clone();
    dark.extend(colours(dark_block));
    [("light", light), ("dark", dark)]
}

/// WCAG 2 contrast ratio of two colours.
fn contrast(a: [u8; 3], b: [u8; 3]) -> f64 {
    let luminance = |c: [u8; 3]| {
        let lin = |v: u8| {
            let v = f64::from(v) / 255.0;
            if v <= 0.04045 {
                v / 12.92
            } else {
                ((v + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * lin(c[0]) + 0.7152 * lin(c[1]) + 0.0722 * lin(c[2])
    };
    let (x, y) = (luminance(a), luminance(b));
    (x.max(y) + 0.05) / (x.min(y) + 0.05)
}

/// Every text colour of the default stylesheet on every background it is shown on reaches
/// 4.5:1 (all of it is normal-size text), in both schemes; the focus ring reaches 3:1.
#[test]
fn theme_text_contrast_is_at_least_4_5_to_1_in_both_schemes() {
    let css = std::fs::read_to_string(common::repo().join("theme/static/style.css")).unwrap();
    // (text, background, where)
    let text = [
        ("fg", "bg", "body text"),
        ("fg", "panel", "header, table heads, code, call-outs"),
        ("fg", "overdue-bg", "the overdue call-out"),
        (
            "muted",
            "bg",
            "footer, lead, dates, labels, draft badges, heading anchors",
        ),
        ("muted", "panel", "fact labels"),
        ("muted", "overdue-bg", "muted text in the overdue call-out"),
        ("link", "bg", "links"),
        ("link", "panel", "navigation, chips, call-out links"),
        ("accent", "panel", "the recurring badge"),
        ("sev1", "sev1-bg", "SEV1 badge"),
        ("sev2", "sev2-bg", "SEV2 badge"),
        ("sev3", "sev3-bg", "SEV3 badge"),
        ("sev4", "sev4-bg", "SEV4 badge"),
        ("overdue", "overdue-bg", "overdue badge and call-out link"),
        ("overdue", "panel", "an error finding's rule"),
        ("soon", "soon-bg", "due-soon badge"),
        ("done", "bg", "Done status"),
        ("sev1", "bg", "P1 priority"),
        ("hl-comment", "panel", "code comments"),
        ("hl-string", "panel", "code strings"),
        ("hl-constant", "panel", "code constants"),
        ("hl-keyword", "panel", "code keywords"),
        ("hl-entity", "panel", "code names"),
        ("hl-variable", "panel", "code parameters and types"),
        ("hl-tag", "panel", "code tags"),
    ];
    let mut low = Vec::new();
    for (scheme, c) in schemes(&css) {
        let colour = |name: &str| *c.get(name).unwrap_or_else(|| panic!("no --{name}"));
        for (fg, bg, place) in text {
            let ratio = contrast(colour(fg), colour(bg));
            if ratio < 4.5 {
                low.push(format!(
                    "{scheme}: --{fg} on --{bg} ({place}) is {ratio:.2}:1"
                ));
            }
        }
        for bg in ["bg", "panel"] {
            let ratio = contrast(colour("accent"), colour(bg));
            if ratio < 3.0 {
                low.push(format!("{scheme}: focus ring on --{bg} is {ratio:.2}:1"));
            }
        }
    }
    assert!(low.is_empty(), "{}", low.join("\n"));
    // A heading's anchor, when shown, is shown at full strength: at 60% opacity its colour
    // fell to about 3:1.
    let anchor = css
        .lines()
        .find(|l| l.starts_with(".anchor {"))
        .expect("an .anchor rule");
    assert!(!anchor.contains("opacity"), "{anchor}");
}
