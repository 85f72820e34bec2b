//! The national attendance codes (The School Attendance (Pupil
//! Registration) (England) Regulations 2024, in use from August 2024), what
//! each means in words, and how each counts towards the DfE's attendance
//! figure: attended and approved-educational-activity sessions over
//! possible sessions, leaving out codes that aren't possible sessions.

/// How a session with a code counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Counts {
    /// In school (`/`, `\`, `L`).
    Present,
    /// At an approved educational activity away from school: counts as
    /// attended.
    Elsewhere,
    Authorised,
    Unauthorised,
    /// Not a possible session: the pupil wasn't expected in school.
    NotPossible,
}

impl Counts {
    pub fn possible(self) -> bool {
        self != Counts::NotPossible
    }

    pub fn attended(self) -> bool {
        matches!(self, Counts::Present | Counts::Elsewhere)
    }

    pub fn absent(self) -> bool {
        matches!(self, Counts::Authorised | Counts::Unauthorised)
    }
}

/// One code: as the MIS writes it, in words for parents, and how it counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Code {
    pub code: &'static str,
    pub words: &'static str,
    pub counts: Counts,
}

const fn code(code: &'static str, words: &'static str, counts: Counts) -> Code {
    Code {
        code,
        words,
        counts,
    }
}

use Counts::{Authorised, Elsewhere, NotPossible, Present, Unauthorised};

/// Every code Markwell reads. `H` and `F` are from before August 2024, so a
/// year of older marks still reads.
pub const CODES: &[Code] = &[
    code("/", "Present", Present),
    code("\\", "Present", Present),
    code("L", "Late before the register closed", Present),
    code(
        "K",
        "At education arranged by the local authority",
        Elsewhere,
    ),
    code("V", "On an educational visit or trip", Elsewhere),
    code("P", "At an approved sporting activity", Elsewhere),
    code("W", "On work experience", Elsewhere),
    code("B", "At another approved educational activity", Elsewhere),
    code(
        "C1",
        "Absent — licensed performance or employment",
        Authorised,
    ),
    code("M", "Absent — medical or dental appointment", Authorised),
    code("J1", "Absent — interview", Authorised),
    code("S", "Absent — study leave", Authorised),
    code("C2", "Absent — part-time timetable", Authorised),
    code(
        "C",
        "Absent — leave in exceptional circumstances",
        Authorised,
    ),
    code("T", "Absent — parent travelling for work", Authorised),
    code("R", "Absent — religious observance", Authorised),
    code("I", "Absent — illness", Authorised),
    code("E", "Absent — suspended or excluded", Authorised),
    code("H", "Absent — holiday agreed by the school", Authorised),
    code("F", "Absent — extended family holiday agreed", Authorised),
    code(
        "G",
        "Absent — holiday not agreed by the school",
        Unauthorised,
    ),
    code("N", "Absent — reason not yet given", Unauthorised),
    code("O", "Absent — no reason accepted", Unauthorised),
    code("U", "Late after the register closed", Unauthorised),
    code(
        "D",
        "At another school where they are registered",
        NotPossible,
    ),
    code(
        "X",
        "Not required in school (not of compulsory school age)",
        NotPossible,
    ),
    code(
        "Q",
        "Unable to attend — no travel arranged by the local authority",
        NotPossible,
    ),
    code(
        "Y",
        "Unable to attend — school closed or unavoidable cause",
        NotPossible,
    ),
    code(
        "Y1",
        "Unable to attend — transport not available",
        NotPossible,
    ),
    code(
        "Y2",
        "Unable to attend — widespread disruption to travel",
        NotPossible,
    ),
    code(
        "Y3",
        "Unable to attend — part of the school closed",
        NotPossible,
    ),
    code(
        "Y4",
        "Unable to attend — school closed unexpectedly",
        NotPossible,
    ),
    code("Y5", "Unable to attend — in detention", NotPossible),
    code(
        "Y6",
        "Unable to attend — public health guidance",
        NotPossible,
    ),
    code(
        "Y7",
        "Unable to attend — other unavoidable cause",
        NotPossible,
    ),
    code("Z", "Not yet on the school's register", NotPossible),
    code("#", "School closed (planned)", NotPossible),
];

/// The code as the MIS wrote it, in any case and with spaces around it;
/// None for what isn't a national code.
pub fn code_for(written: &str) -> Option<&'static Code> {
    let written = written.trim();
    CODES.iter().find(|c| c.code.eq_ignore_ascii_case(written))
}

/// The figures for a set of sessions, counted the DfE's way.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Sessions {
    pub possible: i64,
    pub attended: i64,
    pub authorised: i64,
    pub unauthorised: i64,
}

impl Sessions {
    /// Adds `n` sessions marked `code`.
    pub fn add(&mut self, code: &Code, n: i64) {
        if code.counts.possible() {
            self.possible += n;
        }
        match code.counts {
            Present | Elsewhere => self.attended += n,
            Authorised => self.authorised += n,
            Unauthorised => self.unauthorised += n,
            NotPossible => {}
        }
    }

    /// Attended over possible, to one decimal place as the DfE publishes
    /// it: "96.3%". None when no session was possible.
    pub fn percentage(&self) -> Option<String> {
        (self.possible > 0).then(|| {
            let tenths = (self.attended * 1000 + self.possible / 2) / self.possible;
            format!("{}.{}%", tenths / 10, tenths % 10)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sessions(marks: &[&str]) -> Sessions {
        let mut s = Sessions::default();
        for m in marks {
            s.add(code_for(m).unwrap(), 1);
        }
        s
    }

    #[test]
    fn every_code_is_listed_once() {
        for (i, c) in CODES.iter().enumerate() {
            assert!(
                CODES[i + 1..]
                    .iter()
                    .all(|o| !o.code.eq_ignore_ascii_case(c.code)),
                "{} twice",
                c.code
            );
        }
        assert_eq!(code_for(" y1 ").unwrap().code, "Y1");
        assert!(code_for("A").is_none());
        assert!(code_for("").is_none());
    }

    #[test]
    fn figures_follow_the_dfe_rule() {
        // Worked by hand: 10 sessions; D, X and # aren't possible, leaving
        // 7; attended are /, \, L and V (4); I and M authorised (2); U
        // unauthorised (1). 4 / 7 = 57.142…% → 57.1%.
        let s = sessions(&["/", "\\", "L", "V", "I", "M", "U", "D", "X", "#"]);
        assert_eq!(
            s,
            Sessions {
                possible: 7,
                attended: 4,
                authorised: 2,
                unauthorised: 1
            }
        );
        assert_eq!(s.percentage().as_deref(), Some("57.1%"));
        // 19 of 20: 95.0%, written with its tenth.
        let mut nineteen = vec!["/"; 19];
        nineteen.push("N");
        assert_eq!(sessions(&nineteen).percentage().as_deref(), Some("95.0%"));
        // Halves round up: 2 of 3 is 66.666…% → 66.7%.
        assert_eq!(
            sessions(&["/", "B", "G"]).percentage().as_deref(),
            Some("66.7%")
        );
        assert_eq!(sessions(&["#", "Z"]).percentage(), None);
    }
}
