//! The table `triage macros` and `triage replies` print: one line per
//! entry of the config (name, key, what it does), then its notes and
//! problems indented under it. Every config string is sanitized.

use std::io::Write;

use triage::text::sanitize;
use unicode_width::UnicodeWidthStr;

/// One entry as the table shows it.
pub struct Entry<'a> {
    pub name: &'a str,
    pub key: Option<&'a str>,
    /// The third column: what the entry does, on one line.
    pub what: &'a str,
    /// Lines under it (already worded), then the problem's lines.
    pub notes: Vec<String>,
    pub error: Option<&'a str>,
}

/// `empty` is printed instead of a table without entries; `what` heads
/// the third column.
pub fn write(
    out: &mut impl Write,
    entries: &[Entry],
    what: &str,
    empty: &str,
) -> std::io::Result<()> {
    if entries.is_empty() {
        return writeln!(out, "{empty}");
    }
    let name_w = entries
        .iter()
        .map(|e| sanitize(e.name).width())
        .max()
        .unwrap_or(0)
        .max(4);
    let key_w = entries
        .iter()
        .map(|e| e.key.unwrap_or("-").width())
        .max()
        .unwrap_or(0)
        .max(3);
    writeln!(out, "{:name_w$}  {:key_w$}  {what}", "NAME", "KEY")?;
    for e in entries {
        let name = sanitize(e.name);
        let pad = name_w - name.width();
        let key = e.key.unwrap_or("-");
        writeln!(
            out,
            "{name}{}  {key:key_w$}  {}",
            " ".repeat(pad),
            sanitize(e.what)
        )?;
        for note in &e.notes {
            writeln!(out, "    {}", sanitize(note))?;
        }
        for line in e.error.into_iter().flat_map(str::lines) {
            writeln!(out, "    {}", sanitize(line))?;
        }
    }
    Ok(())
}
