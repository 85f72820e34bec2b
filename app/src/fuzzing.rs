//! Damage done to real files, for the tests that feed readers of uploaded
//! files (the MIS sync's, Ext. data's) files a person might really send:
//! bytes changed, cut short, lines repeated or dropped.

use proptest::prelude::*;

/// Damage done to a real file.
#[derive(Debug, Clone)]
pub enum Damage {
    Byte(usize, u8),
    CutAt(usize),
    RepeatLine(usize),
    DropLine(usize),
}

pub fn damage() -> impl Strategy<Value = Damage> {
    prop_oneof![
        (any::<usize>(), any::<u8>()).prop_map(|(at, b)| Damage::Byte(at, b)),
        any::<usize>().prop_map(Damage::CutAt),
        any::<usize>().prop_map(Damage::RepeatLine),
        any::<usize>().prop_map(Damage::DropLine),
    ]
}

pub fn damaged(file: impl AsRef<[u8]>, damages: &[Damage]) -> Vec<u8> {
    let mut bytes = file.as_ref().to_vec();
    for damage in damages {
        let lines: Vec<&[u8]> = bytes.split(|b| *b == b'\n').collect();
        bytes = match damage {
            Damage::Byte(at, b) if !bytes.is_empty() => {
                let mut out = bytes.clone();
                let at = at % out.len();
                out[at] = *b;
                out
            }
            Damage::CutAt(at) => bytes[..at % (bytes.len() + 1)].to_vec(),
            Damage::RepeatLine(n) if !lines.is_empty() => {
                let n = n % lines.len();
                let mut out: Vec<&[u8]> = lines.clone();
                out.insert(n, lines[n]);
                out.join(&b'\n')
            }
            Damage::DropLine(n) if !lines.is_empty() => {
                let mut out = lines.clone();
                out.remove(n % lines.len());
                out.join(&b'\n')
            }
            _ => bytes.clone(),
        };
    }
    bytes
}
