//! The `lox` command's contract from LOX.md: prompt, usage and exit codes,
//! and output flushed before exit.

use std::io::{Read, Write};
use std::os::unix::process::CommandExt;
use std::process::{Command, Output, Stdio};

fn lox(args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_lox"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the lox binary runs");
    child.stdin.take().expect("stdin is piped").write_all(stdin.as_bytes()).expect("stdin accepts input");
    child.wait_with_output().expect("lox finishes")
}

fn write_temp(name: &str, source: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("loxbench-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join(name);
    std::fs::write(&path, source).expect("temp file");
    path
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn more_than_one_file_is_a_usage_error() {
    let output = lox(&["a.lox", "b.lox"], "");
    assert_eq!(output.status.code(), Some(64));
    assert!(text(&output.stderr).contains("Usage: lox"), "stderr: {}", text(&output.stderr));
}

#[test]
fn unknown_engine_is_a_usage_error() {
    let output = lox(&["--engine", "no-such-engine", "x.lox"], "");
    assert_eq!(output.status.code(), Some(64));
    assert!(text(&output.stderr).contains("hashmap-walker"), "the message lists the registered engines");
}

#[test]
fn unreadable_file_exits_74() {
    let output = lox(&["/no/such/file.lox"], "");
    assert_eq!(output.status.code(), Some(74));
    assert_eq!(text(&output.stderr), "Could not open file \"/no/such/file.lox\".\n");
}

#[test]
fn a_file_that_is_not_utf8_says_so() {
    let dir = std::env::temp_dir().join(format!("loxbench-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("latin1.lox");
    std::fs::write(&path, b"print 1;\nprint \"caf\xe9\";\n").unwrap();
    let output = lox(&[path.to_str().unwrap()], "");
    assert_eq!(output.status.code(), Some(74));
    assert_eq!(
        text(&output.stderr),
        format!(
            "Could not read file \"{}\": it is not UTF-8 text (an invalid byte on line 2, at byte offset 19).\n",
            path.display()
        )
    );
}

#[test]
fn piped_input_is_one_program_not_a_prompt() {
    let program = "print 1;\nprint nope;\nprint 2;\n";
    for args in [&[][..], &["-"][..]] {
        let output = lox(args, program);
        assert_eq!(output.status.code(), Some(70), "lox {args:?}");
        assert_eq!(text(&output.stdout), "1\n", "lox {args:?}: no prompt, and nothing after the error runs");
        assert_eq!(text(&output.stderr), "Undefined variable 'nope'.\n[line 2] in script\n", "lox {args:?}");
    }
    // A compile error anywhere stops the whole program before it runs.
    let output = lox(&[], "print 1;\nprint ;\n");
    assert_eq!((output.status.code(), text(&output.stdout)), (Some(65), String::new()));
}

/// A program that prints a line and then runs until it is stopped.
const PRINTS_THEN_LOOPS: &str = "print \"first\";\nwhile (true) {}\n";

#[test]
fn output_is_flushed_when_the_process_is_terminated() {
    let path = write_temp("loops.lox", PRINTS_THEN_LOOPS);
    let child = Command::new(env!("CARGO_BIN_EXE_lox"))
        .arg(&path)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_secs(2));
    let status = Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap();
    assert!(status.success());
    let output = child.wait_with_output().unwrap();
    assert_eq!(text(&output.stdout), "first\n", "the buffered line is written before the process ends");
    use std::os::unix::process::ExitStatusExt;
    assert_eq!(output.status.signal(), Some(15), "the process still ends by SIGTERM: {:?}", output.status);
}

/// On a terminal (a pseudo-terminal made by util-linux's `script`), each line
/// appears as soon as it is printed, while the program is still running.
#[test]
fn output_on_a_terminal_is_line_buffered() {
    let path = write_temp("loops-on-a-terminal.lox", PRINTS_THEN_LOOPS);
    let command = format!("{} {}", env!("CARGO_BIN_EXE_lox"), path.display());
    let mut child = Command::new("script")
        .args(["-q", "-e", "-c", &command, "/dev/null"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .process_group(0)
        .spawn()
        .expect("util-linux's `script` runs");
    let mut stdout = child.stdout.take().unwrap();
    let (sender, receiver) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut seen = Vec::new();
        let mut byte = [0u8; 1];
        while !String::from_utf8_lossy(&seen).contains("first") && stdout.read(&mut byte).is_ok_and(|n| n == 1) {
            seen.push(byte[0]);
        }
        let _ = sender.send(seen);
    });
    let seen = receiver.recv_timeout(std::time::Duration::from_secs(20));
    // The program never ends by itself: stop `script` and everything under it.
    let _ = Command::new("kill").args(["-KILL", "--", &format!("-{}", child.id())]).status();
    let _ = child.wait();
    let seen = seen.expect("the line printed before the endless loop reached the terminal");
    assert!(String::from_utf8_lossy(&seen).contains("first"));
}

#[test]
fn every_engine_gives_the_same_exit_codes() {
    let ok = write_temp("ok.lox", "print 1 + 2;\n");
    let compile = write_temp("compile.lox", "print 1 +;\nvar;\n");
    let runtime = write_temp("runtime.lox", "print \"before\";\nprint -nil;\n");
    for engine in lox::engines() {
        let name = engine.name();
        let output = lox(&["--engine", name, ok.to_str().unwrap()], "");
        assert_eq!((output.status.code(), text(&output.stdout)), (Some(0), "3\n".to_string()), "{name}");

        let output = lox(&["--engine", name, compile.to_str().unwrap()], "");
        assert_eq!(output.status.code(), Some(65), "{name}");
        assert_eq!(
            text(&output.stderr),
            "[line 1] Error at ';': Expect expression.\n[line 2] Error at ';': Expect variable name.\n",
            "{name}"
        );

        let output = lox(&["--engine", name, runtime.to_str().unwrap()], "");
        assert_eq!(output.status.code(), Some(70), "{name}");
        assert_eq!(text(&output.stdout), "before\n", "{name}: output printed before the error is flushed");
        assert_eq!(text(&output.stderr), "Operand must be a number.\n[line 2] in script\n", "{name}");
    }
}

#[test]
fn the_prompt_keeps_globals_and_survives_errors() {
    for engine in lox::engines() {
        let name = engine.name();
        let output = lox(&["--engine", name, "--prompt"], "var a = 1;\nprint a + 1;\nprint nope;\nprint a;\n");
        assert_eq!(output.status.code(), Some(0), "{name}");
        assert_eq!(text(&output.stdout), "> > 2\n> > 1\n> \n", "{name}");
        assert_eq!(text(&output.stderr), "Undefined variable 'nope'.\n[line 1] in script\n", "{name}");
    }
}

#[test]
fn list_engines_prints_one_line_per_engine() {
    let output = lox(&["--list-engines"], "");
    assert_eq!(output.status.code(), Some(0));
    let stdout = text(&output.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), lox::engines().len());
    for (line, engine) in lines.iter().zip(lox::engines()) {
        assert!(line.starts_with(engine.name()) && line.ends_with(engine.description()), "{line}");
    }
}

#[test]
fn help_explains_the_options() {
    let output = lox(&["--help"], "");
    assert_eq!(output.status.code(), Some(0));
    let stdout = text(&output.stdout);
    for option in ["--engine", "--list-engines", "--dump", "--disassemble", "--gc-stress"] {
        assert!(stdout.contains(option), "--help mentions {option}");
    }
}

/// A program that doubles a string forty times: past the heap ceiling it
/// gets a runtime error, and what it printed before is kept.
const DOUBLES_A_STRING: &str =
    "print \"before\";\nvar s = \"x\";\nfor (var i = 0; i < 40; i = i + 1) {\n  s = s + s;\n}\n";

#[test]
fn running_out_of_memory_is_a_runtime_error_in_every_engine() {
    let path = write_temp("doubles.lox", DOUBLES_A_STRING);
    for engine in lox::engines() {
        let name = engine.name();
        let output = lox(&["--engine", name, "--max-heap", "4M", path.to_str().unwrap()], "");
        assert_eq!(output.status.code(), Some(70), "{name}: {}", text(&output.stderr));
        assert_eq!(text(&output.stdout), "before\n", "{name}");
        assert_eq!(text(&output.stderr), "Out of memory.\n[line 4] in script\n", "{name}");
    }
    // The default ceiling (1 GiB) stops it too, long before the machine's memory.
    let output = lox(&[path.to_str().unwrap()], "");
    assert_eq!((output.status.code(), text(&output.stderr)), (Some(70), "Out of memory.\n[line 4] in script\n".into()));
    let output = lox(&["--max-heap", "lots", path.to_str().unwrap()], "");
    assert_eq!(output.status.code(), Some(64), "a bad size is a usage error");
}

#[test]
fn dump_shows_each_engines_form_and_refuses_one_it_lacks() {
    let path = write_temp("dump.lox", "fun f(n) { return n + 1; }\nprint f(1);\n");
    let file = path.to_str().unwrap();
    let ast = lox(&["--dump", "ast", "--engine", "hashmap-walker", file], "");
    assert_eq!(ast.status.code(), Some(0));
    assert!(text(&ast.stdout).contains("n (local, 0 hops)"), "{}", text(&ast.stdout));
    let resolved = lox(&["--dump", "resolved", "--engine", "slot-walker", file], "");
    assert!(text(&resolved.stdout).contains("local slot 1 (n)"), "{}", text(&resolved.stdout));
    let closures = lox(&["--dump", "closures", "--engine", "closure-compiler", file], "");
    assert!(text(&closures.stdout).contains("read in place"), "{}", text(&closures.stdout));
    // --disassemble is --dump bytecode.
    let bytecode = lox(&["--dump", "bytecode", "--engine", "nanbox-vm", file], "");
    let disassembled = lox(&["--disassemble", "--engine", "nanbox-vm", file], "");
    assert_eq!(bytecode.stdout, disassembled.stdout);
    assert!(text(&bytecode.stdout).contains("OP_ADD") && text(&bytecode.stdout).contains("bytes"));
    let lacking = lox(&["--dump", "bytecode", "--engine", "slot-walker", file], "");
    assert_eq!(lacking.status.code(), Some(64));
    assert!(text(&lacking.stderr).contains("It can show: ast, resolved."), "{}", text(&lacking.stderr));
    let unknown = lox(&["--dump", "tokens", file], "");
    assert_eq!(unknown.status.code(), Some(64));
    let broken = write_temp("broken.lox", "print 1 +;\n");
    let compile_error = lox(&["--dump", "ast", broken.to_str().unwrap()], "");
    assert_eq!(compile_error.status.code(), Some(65));
}

/// The hidden flags `harness ci` counts with: the engine on the main thread
/// runs a program exactly as on its own thread, and `--prepare-only` stops
/// before running (so prints nothing) but still reports compile errors.
#[test]
fn the_counted_runs_main_thread_and_prepare_only_behave_as_the_harness_needs() {
    let program = write_temp("counted.lox", "var a = 1;\nprint a + 2;\nprint \"done\";\n");
    let broken = write_temp("counted-broken.lox", "print 1 +;\n");
    for engine in ["hashmap-walker", "slot-walker:plain", "nanbox-vm"] {
        let file = program.to_str().unwrap();
        let normal = lox(&["-e", engine, file], "");
        let main_thread = lox(&["--main-thread", "-e", engine, file], "");
        assert_eq!(text(&normal.stdout), "3\ndone\n");
        assert_eq!((main_thread.stdout, main_thread.status.code()), (normal.stdout, Some(0)), "{engine}");
        let prepared = lox(&["--main-thread", "--prepare-only", "-e", engine, file], "");
        assert_eq!((text(&prepared.stdout), prepared.status.code()), (String::new(), Some(0)), "{engine}");
        let refused = lox(&["--prepare-only", "-e", engine, broken.to_str().unwrap()], "");
        assert_eq!(refused.status.code(), Some(65), "{engine}");
        assert!(text(&refused.stderr).contains("Expect expression"), "{engine}: {}", text(&refused.stderr));
    }
    let help = lox(&["--help"], "");
    assert!(!text(&help.stdout).contains("main-thread"), "a flag for the harness, hidden from --help");
}
