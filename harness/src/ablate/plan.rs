//! Which variants of an engine the ablation counts: the engine tuned and
//! plain, each tuning switched off in turn and, unless asked not to, each
//! tuning alone on top of plain. Variants that come to the same set of
//! tunings off (with one tuning, `E:no-T` is `E:plain`) are counted once.

use frontend::Tuning;

/// One variant to count, named as `__run --engine` takes it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Planned {
    pub name: String,
    /// The tunings off, in the engine's declaration order.
    pub disabled: Vec<String>,
}

/// The variants of the engine `name`, which declares `tunings`, to count,
/// in the order the table reads them.
pub fn variants(name: &str, tunings: &[Tuning], alone: bool) -> Vec<Planned> {
    let all: Vec<String> = tunings.iter().map(|t| t.name.to_string()).collect();
    let mut planned = vec![
        Planned { name: name.to_string(), disabled: Vec::new() },
        Planned { name: format!("{name}:plain"), disabled: all.clone() },
    ];
    for tuning in &all {
        planned.push(Planned { name: format!("{name}:no-{tuning}"), disabled: vec![tuning.clone()] });
    }
    if alone {
        for tuning in &all {
            let disabled = all.iter().filter(|t| *t != tuning).cloned().collect();
            planned.push(Planned { name: format!("{name}:plain:{tuning}"), disabled });
        }
    }
    let mut unique: Vec<Planned> = Vec::with_capacity(planned.len());
    for variant in planned {
        if !unique.iter().any(|u| u.disabled == variant.disabled) {
            unique.push(variant);
        }
    }
    unique
}

#[cfg(test)]
mod tests {
    use super::*;
    const A: Tuning = Tuning { name: "a", summary: "s", class: "c" };
    const B: Tuning = Tuning { name: "b", summary: "s", class: "c" };
    const C: Tuning = Tuning { name: "c", summary: "s", class: "c" };

    fn names(planned: &[Planned]) -> Vec<&str> {
        planned.iter().map(|p| p.name.as_str()).collect()
    }

    #[test]
    fn each_tuning_off_in_turn_and_alone_on_plain() {
        let planned = variants("fake", &[A, B, C], true);
        assert_eq!(
            names(&planned),
            [
                "fake",
                "fake:plain",
                "fake:no-a",
                "fake:no-b",
                "fake:no-c",
                "fake:plain:a",
                "fake:plain:b",
                "fake:plain:c"
            ]
        );
        assert_eq!(planned[6].disabled, ["a", "c"]);
        assert_eq!(
            names(&variants("fake", &[A, B, C], false)),
            ["fake", "fake:plain", "fake:no-a", "fake:no-b", "fake:no-c"]
        );
    }

    #[test]
    fn variants_with_the_same_tunings_off_are_counted_once() {
        // With two tunings, one alone on plain is the other one off.
        assert_eq!(names(&variants("fake", &[A, B], true)), ["fake", "fake:plain", "fake:no-a", "fake:no-b"]);
        // With one, off in turn is plain and alone on plain is tuned.
        assert_eq!(names(&variants("fake", &[A], true)), ["fake", "fake:plain"]);
        assert_eq!(names(&variants("fake", &[], true)), ["fake"]);
    }
}
