//! The demo's fictional members' signing keys. They are made from each member's id, so every
//! demo has the same keys and the bundled `panel.ron` can list their public halves; being
//! derivable by anyone, they prove nothing outside the demo, which is all they are for.

use sha2::{Digest, Sha256};

use crate::model::MemberId;

/// The demo key of a member.
pub fn demo_key(member: &MemberId) -> ssh_key::PrivateKey {
    let mut hash = Sha256::new();
    hash.update(b"kitemark demo signing key\0");
    hash.update(member.as_str().as_bytes());
    let seed: [u8; 32] = hash.finalize().into();
    let pair = ssh_key::private::Ed25519Keypair::from_seed(&seed);
    let mut key = ssh_key::PrivateKey::from(pair);
    key.set_comment(format!("{member}@kitemark-demo"));
    key
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Panel;
    use crate::model::format::parse_document;

    #[test]
    fn each_bundled_panel_lists_each_members_demo_key() {
        for text in [
            include_str!("../../submissions/_panel/panel.ron"),
            include_str!("../../demo-kent/_panel/panel.ron"),
        ] {
            let panel: Panel = parse_document(text).unwrap();
            for member in &panel.members {
                let listed: Vec<String> = member.keys.iter().map(|k| k.key.clone()).collect();
                let made = demo_key(&member.id).public_key().to_openssh().unwrap();
                assert_eq!(listed, vec![made], "{}", member.id);
            }
        }
    }
}
