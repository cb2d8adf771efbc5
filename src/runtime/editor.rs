//! The agent's editor for notes and replies: `$VISUAL`, else `$EDITOR`,
//! else `vi`, run on a private temporary file while the UI has given the
//! terminal back. The value may carry arguments (`code -w`): it is run as
//! git runs it, `sh -c '<editor> "$@"' <editor> <file>`, so the shell
//! splits and unquotes the value and the file's path is one argument of
//! its own whatever characters it holds.

use std::fs::{self, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::app::triage::{ComposeRequest, Composed, Targets};
use crate::config::Draft;
use crate::text::sanitize;

/// `$VISUAL`, else `$EDITOR` (blank values skipped), else `vi`.
pub fn editor_from(env: impl Fn(&str) -> Option<String>) -> String {
    ["VISUAL", "EDITOR"]
        .into_iter()
        .filter_map(env)
        .find(|v| !v.trim().is_empty())
        .unwrap_or_else(|| "vi".into())
}

/// The command that opens `path` in `editor`.
pub fn command(editor: &str, path: &Path) -> Command {
    let mut cmd = Command::new("sh");
    cmd.arg("-c")
        .arg(format!("{editor} \"$@\""))
        .arg(editor)
        .arg(path);
    cmd
}

/// A private file in a private, randomly named directory of the temporary
/// directory (`tempfile`: 0700, created with `O_EXCL`), both removed when
/// dropped. A predictable name let anyone pre-create it and block `n`; the
/// file keeps a readable name (`1042-note.txt`) for the editor's title and
/// syntax.
struct TempText {
    path: PathBuf,
    _dir: tempfile::TempDir,
}

impl TempText {
    fn create(name: &str, text: &str) -> io::Result<TempText> {
        let mut builder = tempfile::Builder::new();
        builder.prefix("triage-");
        #[cfg(unix)]
        builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o700));
        let dir = builder.tempdir()?;
        let path = dir.path().join(format!("{name}.txt"));
        let mut options = OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let mut file = options.open(&path)?;
        file.write_all(text.as_bytes())?;
        Ok(TempText { path, _dir: dir })
    }
}

/// Runs `editor` on a file holding `initial`; the file's text afterwards.
/// A failing editor (`:cq` in vim) sends nothing.
pub fn edit_text(editor: &str, name: &str, initial: &str) -> Result<String, String> {
    let file = TempText::create(name, initial)
        .map_err(|e| format!("could not write a temporary file: {e}"))?;
    let status = command(editor, &file.path)
        .status()
        .map_err(|e| format!("could not start the editor ({editor}): {e}"))?;
    if !status.success() {
        return Err(format!("the editor ({editor}) exited with {status}"));
    }
    fs::read(&file.path)
        .map(|bytes| String::from_utf8_lossy(&bytes).into_owned())
        .map_err(|e| format!("could not read the edited file: {e}"))
}

/// What the editor opens with: the request's own draft (the ticket's, or
/// the bulk draft of exactly these marked tickets: never another ticket's),
/// else the template.
pub fn initial_text(request: &ComposeRequest) -> (String, Option<Draft>) {
    let found = request.drafts.as_ref().and_then(|drafts| {
        match drafts.load(request.owner(), request.kind) {
            Ok(found) => found,
            Err(e) => {
                // A link, a file too big: not a draft to open.
                tracing::warn!(error = %e, "not opening a draft");
                None
            }
        }
    });
    match found {
        Some(draft) => (draft.text.clone(), Some(draft)),
        None => (request.template.clone(), None),
    }
}

/// Opens the editor for `request` through `run` (which hands the terminal
/// over around it) and reads the result back.
pub fn compose(
    request: &ComposeRequest,
    editor: &str,
    run: impl FnOnce(&mut dyn FnMut()) -> anyhow::Result<()>,
) -> Result<Composed, String> {
    let (opened_with, draft, restored) = match &request.reopen {
        // "Edit again": the text just written, not a draft read back.
        Some(r) => (r.text.clone(), r.draft, None),
        None => {
            let (text, draft) = initial_text(request);
            let restored = draft.as_ref().map(|d| d.saved_at);
            (text, draft.map(|d| d.id), restored)
        }
    };
    let name = match &request.targets {
        Targets::One(t) => format!("{}-{}", t.ticket_number, request.kind.as_str()),
        Targets::Marked(_) => request.kind.as_str().to_string(),
    };
    let mut edited = None;
    run(&mut || edited = Some(edit_text(editor, &name, &opened_with)))
        .map_err(|e| sanitize(&format!("{e:#}")).into_owned())?;
    let text = edited.unwrap_or_else(|| Err("the editor did not run".into()))?;
    Ok(Composed {
        text,
        opened_with,
        restored,
        draft,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn visual_then_editor_then_vi() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |k: &str| {
                pairs
                    .iter()
                    .find(|(n, _)| *n == k)
                    .map(|(_, v)| v.to_string())
            }
        };
        assert_eq!(
            editor_from(env(&[("VISUAL", "code -w"), ("EDITOR", "nano")])),
            "code -w"
        );
        assert_eq!(
            editor_from(env(&[("VISUAL", " "), ("EDITOR", "nano")])),
            "nano"
        );
        assert_eq!(editor_from(env(&[])), "vi");
    }

    #[test]
    fn the_path_is_one_argument_after_the_editors_own() {
        let cmd = command("code -w", Path::new("/tmp/a b;rm -rf x.txt"));
        let args: Vec<_> = cmd
            .get_args()
            .map(|a| a.to_string_lossy().into_owned())
            .collect();
        assert_eq!(cmd.get_program(), "sh");
        assert_eq!(
            args,
            ["-c", "code -w \"$@\"", "code -w", "/tmp/a b;rm -rf x.txt"]
        );
    }

    #[test]
    fn an_editor_with_arguments_gets_them_split_and_the_path_whole() {
        let dir = tempfile::tempdir().unwrap();
        let seen = dir.path().join("seen");
        // The "editor" records its arguments one a line, then writes the file.
        let script = dir.path().join("ed it");
        fs::write(
            &script,
            format!(
                "#!/bin/sh\nfor a in \"$@\"; do echo \"$a\"; done > '{}'\nlast=\"\"\nfor a in \"$@\"; do last=\"$a\"; done\necho written >> \"$last\"\n",
                seen.display()
            ),
        )
        .unwrap();
        fs::set_permissions(&script, std::os::unix::fs::PermissionsExt::from_mode(0o700)).unwrap();
        let editor = format!("'{}' -w --flag", script.display());
        let text = edit_text(&editor, "1042-note", "hello\n").unwrap();
        assert_eq!(text, "hello\nwritten\n");
        let args = fs::read_to_string(&seen).unwrap();
        let args: Vec<&str> = args.lines().collect();
        assert_eq!(args[..2], ["-w", "--flag"]);
        assert_eq!(args.len(), 3);
        assert!(args[2].ends_with("/1042-note.txt"), "{args:?}");
        // The temporary file is gone afterwards.
        assert!(!Path::new(args[2]).exists());
    }

    #[test]
    fn a_failing_editor_sends_nothing() {
        let e = edit_text("false", "x", "text").unwrap_err();
        assert!(e.contains("exited with"), "{e}");
    }

    /// The old name (`$TMPDIR/triage-<pid>-0-<name>.txt`) could be made in
    /// advance by anyone, and `n` then failed. Now each file is in a fresh
    /// directory of its own that no one else can enter.
    #[cfg(unix)]
    #[test]
    fn the_temporary_file_is_in_a_private_directory_of_a_random_name() {
        let dir = tempfile::tempdir().unwrap();
        let seen = dir.path().join("seen");
        let editor = format!(
            "stat -c '%a %n' \"$(dirname \"$1\")\" \"$1\" > '{}'; true",
            seen.display()
        );
        let editor = format!("sh -c '{}' --", editor.replace('\'', "'\\''"));
        // Squatting every name the old scheme could pick changes nothing.
        let pid = std::process::id();
        for seq in 0..4 {
            let squat = std::env::temp_dir().join(format!("triage-{pid}-{seq}-7-note.txt"));
            let _ = fs::write(&squat, "squatted");
        }
        edit_text(&editor, "7-note", "hello\n").unwrap();
        let out = fs::read_to_string(&seen).unwrap();
        let lines: Vec<&str> = out.lines().collect();
        assert!(lines[0].starts_with("700 "), "{out}");
        assert!(lines[1].starts_with("600 "), "{out}");
        let path = lines[1].split_once(' ').unwrap().1;
        assert!(path.ends_with("/7-note.txt"), "{path}");
        assert!(!Path::new(path).parent().unwrap().exists(), "removed after");
        for seq in 0..4 {
            let _ = fs::remove_file(
                std::env::temp_dir().join(format!("triage-{pid}-{seq}-7-note.txt")),
            );
        }
    }

    /// Issue 21, item 3: a bulk note opened the newest draft among the
    /// marked tickets (X's unseen draft lost once the new text was saved
    /// over both). It opens the template, or the bulk draft of exactly
    /// these tickets; a single ticket still opens its own.
    #[test]
    fn a_bulk_request_never_opens_a_tickets_own_draft() {
        use crate::config::{DraftOwner, Drafts};
        use crate::fixtures::ticket;
        use crate::model::MessageKind;
        let dir = tempfile::tempdir().unwrap();
        let drafts = Drafts::new(dir.path().join("drafts"));
        let (x, y) = (ticket(1), ticket(2));
        drafts
            .save(DraftOwner::Ticket(x.id), MessageKind::Note, "X's own\n")
            .unwrap();
        drafts
            .save(DraftOwner::Ticket(y.id), MessageKind::Note, "Y's own\n")
            .unwrap();
        let request = |targets: Targets| ComposeRequest {
            kind: MessageKind::Note,
            targets,
            template: "the template\n".into(),
            drafts: Some(drafts.clone()),
            editor: None,
            seen: None,
            reopen: None,
            prefilled: false,
        };
        let bulk = request(Targets::Marked(vec![x.clone(), y.clone()]));
        let (text, draft) = initial_text(&bulk);
        assert_eq!(text, "the template\n");
        assert!(draft.is_none());
        drafts
            .save(bulk.owner(), MessageKind::Note, "to both\n")
            .unwrap();
        assert_eq!(initial_text(&bulk).0, "to both\n");
        let one = request(Targets::One(Box::new(x.clone())));
        assert_eq!(initial_text(&one).0, "X's own\n");
        let other = request(Targets::One(Box::new(y)));
        assert_eq!(initial_text(&other).0, "Y's own\n");
    }
}
