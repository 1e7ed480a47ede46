//! The forms each engine can show a program in (`lox --dump`), as one
//! place for the `lox` command and the harness's reports to ask.

use frontend::{Engine, Form};

/// Why `engine` cannot show `form`, and what it can show instead.
pub fn missing_form(engine: &dyn Engine, form: Form) -> String {
    let has: Vec<&str> = engine.forms().iter().map(|form| form.name()).collect();
    let others: Vec<String> = crate::engines()
        .iter()
        .filter(|other| other.forms().contains(&form))
        .map(|other| other.name().to_string())
        .collect();
    let elsewhere = match others.len() {
        0 => String::new(),
        1 => format!(" ({} has it)", others[0]),
        _ => format!(" ({} have it)", others.join(", ")),
    };
    format!(
        "The {} engine does not run a program as {}, so it has no '{}' form{elsewhere}. It can show: {}.",
        engine.name(),
        form.summary(),
        form.name(),
        has.join(", ")
    )
}

/// The form an engine runs: the last of the forms it passes through.
pub fn own_form(engine: &dyn Engine) -> Form {
    *engine.forms().last().unwrap_or(&Form::Ast)
}

#[cfg(test)]
mod tests {
    use super::*;
    use frontend::Options;

    const FIB: &str = "fun fib(n) {\n  if (n < 2) return n;\n  return fib(n - 2) + fib(n - 1);\n}\nprint fib(20);\n";

    #[test]
    fn every_engine_shows_exactly_the_forms_it_declares() {
        for engine in crate::engines() {
            assert_eq!(
                engine.forms().first(),
                Some(&Form::Ast),
                "{}: every engine starts from the tree",
                engine.name()
            );
            for form in Form::ALL {
                let dump = frontend::engine::with_engine_stack(|| engine.dump(form, FIB, &Options::default()));
                match dump {
                    Some(text) => {
                        assert!(engine.forms().contains(&form), "{} shows {form:?} undeclared", engine.name());
                        let text = text.expect("fib compiles");
                        assert!(text.contains("fib"), "{} {form:?}: {text}", engine.name());
                    }
                    None => assert!(!engine.forms().contains(&form), "{} declares {form:?}", engine.name()),
                }
            }
        }
    }

    #[test]
    fn a_missing_form_names_the_forms_the_engine_has_and_who_has_it() {
        let walker = crate::find_engine("hashmap-walker").expect("registered");
        let message = missing_form(walker, Form::Bytecode);
        assert!(message.contains("no 'bytecode' form") && message.contains("It can show: ast."), "{message}");
        assert!(message.contains("enum-vm"), "{message}");
    }

    #[test]
    fn a_dump_follows_the_tunings() {
        let vm = crate::find_engine("enum-vm").expect("registered");
        let tuned = vm.dump(Form::Bytecode, FIB, &Options::default()).unwrap().unwrap();
        let plain = vm.dump(Form::Bytecode, FIB, &Options::default().plain(vm.tunings())).unwrap().unwrap();
        assert!(tuned.contains("OP_GET_GLOBAL_SLOT") && !plain.contains("OP_GET_GLOBAL_SLOT"));
    }
}
