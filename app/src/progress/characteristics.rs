//! What the school holds about a pupil for Progress's filters: sex, SEN,
//! pupil premium and EAL, from the MIS sync. Each is None where the school's
//! files have never said, and a filter is offered only for what the school
//! holds for some pupil.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Characteristics {
    pub sex: Option<Sex>,
    pub sen: Option<Sen>,
    pub pupil_premium: Option<bool>,
    /// English as an additional language.
    pub eal: Option<bool>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Sex {
    Female,
    Male,
}

/// SEN provision, as the DfE codes it: N, K, E.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Sen {
    NoSen,
    Support,
    EhcPlan,
}

impl Sex {
    pub fn code(self) -> &'static str {
        match self {
            Sex::Female => "F",
            Sex::Male => "M",
        }
    }

    pub fn from_code(code: &str) -> Option<Sex> {
        match code {
            "F" => Some(Sex::Female),
            "M" => Some(Sex::Male),
            _ => None,
        }
    }
}

impl Sen {
    pub fn code(self) -> &'static str {
        match self {
            Sen::NoSen => "N",
            Sen::Support => "K",
            Sen::EhcPlan => "E",
        }
    }

    pub fn from_code(code: &str) -> Option<Sen> {
        match code {
            "N" => Some(Sen::NoSen),
            "K" => Some(Sen::Support),
            "E" => Some(Sen::EhcPlan),
            _ => None,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Sen::NoSen => "No SEN",
            Sen::Support => "SEN support",
            Sen::EhcPlan => "EHC plan",
        }
    }
}

impl Characteristics {
    /// As stored: the codes and 0/1 columns of `pupils`.
    pub fn from_stored(
        sex: Option<&str>,
        sen: Option<&str>,
        pupil_premium: Option<i64>,
        eal: Option<i64>,
    ) -> Characteristics {
        Characteristics {
            sex: sex.and_then(Sex::from_code),
            sen: sen.and_then(Sen::from_code),
            pupil_premium: pupil_premium.map(|p| p == 1),
            eal: eal.map(|e| e == 1),
        }
    }

    /// As stored: `pupils`' sex, sen, pupil_premium and eal columns.
    pub fn columns(
        &self,
    ) -> (
        Option<&'static str>,
        Option<&'static str>,
        Option<i64>,
        Option<i64>,
    ) {
        (
            self.sex.map(Sex::code),
            self.sen.map(Sen::code),
            self.pupil_premium.map(i64::from),
            self.eal.map(i64::from),
        )
    }

    /// What a file says over what is stored: where the file is silent the
    /// stored value stays.
    pub fn over(self, stored: Characteristics) -> Characteristics {
        Characteristics {
            sex: self.sex.or(stored.sex),
            sen: self.sen.or(stored.sen),
            pupil_premium: self.pupil_premium.or(stored.pupil_premium),
            eal: self.eal.or(stored.eal),
        }
    }

    /// Which of them differ from `other`, in the MIS sync's words.
    pub fn changed_from(&self, other: &Characteristics) -> Vec<&'static str> {
        let mut changed = Vec::new();
        if self.sex != other.sex {
            changed.push("sex");
        }
        if self.sen != other.sen {
            changed.push("SEN");
        }
        if self.pupil_premium != other.pupil_premium {
            changed.push("pupil premium");
        }
        if self.eal != other.eal {
            changed.push("EAL");
        }
        changed
    }

    /// For the pupil page: what the school holds, in words ("SEN support,
    /// pupil premium"); None when it holds nothing.
    pub fn words(&self) -> Option<String> {
        let mut said = Vec::new();
        if let Some(sex) = self.sex {
            said.push(match sex {
                Sex::Female => "Girl",
                Sex::Male => "Boy",
            });
        }
        if let Some(sen) = self.sen {
            said.push(sen.label());
        }
        match self.pupil_premium {
            Some(true) => said.push("Pupil premium"),
            Some(false) => said.push("Not pupil premium"),
            None => {}
        }
        match self.eal {
            Some(true) => said.push("EAL"),
            Some(false) => said.push("Not EAL"),
            None => {}
        }
        (!said.is_empty()).then(|| said.join(" · "))
    }
}

/// Progress's "Pupils" filter: one group of pupils at a time, as an
/// assessment lead asks about them. Its key is its name in addresses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PupilFilter {
    Sen,
    NoSen,
    PupilPremium,
    NotPupilPremium,
    Eal,
    NotEal,
    Girls,
    Boys,
}

impl PupilFilter {
    pub const ALL: [PupilFilter; 8] = [
        PupilFilter::Sen,
        PupilFilter::NoSen,
        PupilFilter::PupilPremium,
        PupilFilter::NotPupilPremium,
        PupilFilter::Eal,
        PupilFilter::NotEal,
        PupilFilter::Girls,
        PupilFilter::Boys,
    ];

    /// In the page's address (`?pupils=sen`), as serde names it.
    pub fn key(self) -> &'static str {
        match self {
            PupilFilter::Sen => "sen",
            PupilFilter::NoSen => "no-sen",
            PupilFilter::PupilPremium => "pupil-premium",
            PupilFilter::NotPupilPremium => "not-pupil-premium",
            PupilFilter::Eal => "eal",
            PupilFilter::NotEal => "not-eal",
            PupilFilter::Girls => "girls",
            PupilFilter::Boys => "boys",
        }
    }

    /// An address's filter; one Markwell doesn't know (an old or mistyped
    /// link) filters nothing.
    pub fn from_key(key: &str) -> Option<PupilFilter> {
        PupilFilter::ALL.into_iter().find(|f| f.key() == key)
    }

    pub fn label(self) -> &'static str {
        match self {
            PupilFilter::Sen => "SEN support or EHC plan",
            PupilFilter::NoSen => "No SEN",
            PupilFilter::PupilPremium => "Pupil premium",
            PupilFilter::NotPupilPremium => "Not pupil premium",
            PupilFilter::Eal => "EAL",
            PupilFilter::NotEal => "Not EAL",
            PupilFilter::Girls => "Girls",
            PupilFilter::Boys => "Boys",
        }
    }

    /// A cohort's name with the filter applied to it: "Year 4 (EAL)".
    pub fn naming(cohort: &str, filter: Option<PupilFilter>) -> String {
        match filter {
            Some(filter) => format!("{cohort} ({})", filter.label()),
            None => cohort.to_owned(),
        }
    }

    /// Whether the pupil is one of them. A pupil the school holds nothing
    /// about is in neither side of the filter.
    pub fn admits(self, pupil: &Characteristics) -> bool {
        match self {
            PupilFilter::Sen => matches!(pupil.sen, Some(Sen::Support | Sen::EhcPlan)),
            PupilFilter::NoSen => pupil.sen == Some(Sen::NoSen),
            PupilFilter::PupilPremium => pupil.pupil_premium == Some(true),
            PupilFilter::NotPupilPremium => pupil.pupil_premium == Some(false),
            PupilFilter::Eal => pupil.eal == Some(true),
            PupilFilter::NotEal => pupil.eal == Some(false),
            PupilFilter::Girls => pupil.sex == Some(Sex::Female),
            PupilFilter::Boys => pupil.sex == Some(Sex::Male),
        }
    }

    /// The filters worth offering: those whose characteristic the school
    /// holds for some pupil (`held`, each true when any is).
    pub fn offered(held: Held) -> Vec<PupilFilter> {
        PupilFilter::ALL
            .into_iter()
            .filter(|f| match f {
                PupilFilter::Sen | PupilFilter::NoSen => held.sen,
                PupilFilter::PupilPremium | PupilFilter::NotPupilPremium => held.pupil_premium,
                PupilFilter::Eal | PupilFilter::NotEal => held.eal,
                PupilFilter::Girls | PupilFilter::Boys => held.sex,
            })
            .collect()
    }
}

/// Which characteristics the school holds for at least one pupil.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Held {
    pub sex: bool,
    pub sen: bool,
    pub pupil_premium: bool,
    pub eal: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_silent_on_one_keeps_what_is_stored_and_names_only_what_changed() {
        let stored = Characteristics {
            sex: Some(Sex::Female),
            sen: Some(Sen::NoSen),
            pupil_premium: Some(true),
            eal: None,
        };
        let file = Characteristics {
            sen: Some(Sen::Support),
            ..Default::default()
        };
        let now = file.over(stored);
        assert_eq!(now.sex, Some(Sex::Female));
        assert_eq!(now.sen, Some(Sen::Support));
        assert_eq!(now.pupil_premium, Some(true));
        assert_eq!(now.changed_from(&stored), vec!["SEN"]);
    }

    #[test]
    fn a_filter_admits_only_pupils_known_to_be_in_it_and_is_offered_only_when_held() {
        let unknown = Characteristics::default();
        let support = Characteristics {
            sen: Some(Sen::Support),
            eal: Some(false),
            ..Default::default()
        };
        for filter in PupilFilter::ALL {
            assert!(!filter.admits(&unknown), "{filter:?}");
            assert_eq!(PupilFilter::from_key(filter.key()), Some(filter));
        }
        assert!(PupilFilter::Sen.admits(&support));
        assert!(!PupilFilter::NoSen.admits(&support));
        assert!(PupilFilter::NotEal.admits(&support));
        assert!(!PupilFilter::Eal.admits(&support));
        assert_eq!(PupilFilter::from_key("sen-or-not"), None);
        let held = Held {
            sen: true,
            eal: true,
            ..Default::default()
        };
        assert_eq!(
            PupilFilter::offered(held),
            vec![
                PupilFilter::Sen,
                PupilFilter::NoSen,
                PupilFilter::Eal,
                PupilFilter::NotEal
            ]
        );
    }
}
