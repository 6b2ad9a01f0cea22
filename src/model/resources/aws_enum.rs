//! AWS's enumerations as types: a variant per value drx sets, spelt as AWS
//! spells it in state and plans, and `Other` for a value AWS reports that drx
//! never sets, so that a read-back still shows it as drift.

/// Declares one AWS enumeration.
macro_rules! aws_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$variant_meta:meta])* $variant:ident = $aws:literal),* $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub enum $name {
            $($(#[$variant_meta])* $variant,)*
            /// A value AWS reports that drx does not set.
            Other(String),
        }

        impl $name {
            /// As AWS spells it.
            pub fn as_str(&self) -> &str {
                match self {
                    $($name::$variant => $aws,)*
                    $name::Other(text) => text,
                }
            }

            /// AWS's spelling read back.
            pub fn from_aws(text: &str) -> $name {
                match text {
                    $($aws => $name::$variant,)*
                    other => $name::Other(other.to_string()),
                }
            }
        }

        /// Compared with AWS's spelling.
        impl PartialEq<&str> for $name {
            fn eq(&self, other: &&str) -> bool {
                self.as_str() == *other
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<$name, D::Error> {
                <String as serde::Deserialize>::deserialize(deserializer).map(|text| $name::from_aws(&text))
            }
        }
    };
}
pub(crate) use aws_enum;

#[cfg(test)]
mod tests {
    use super::super::BillingMode;

    #[test]
    fn spelt_as_aws_spells_it_and_unknown_values_survive() {
        assert_eq!(
            serde_json::to_value(BillingMode::PayPerRequest).ok(),
            Some(serde_json::json!("PAY_PER_REQUEST"))
        );
        let read: BillingMode = serde_json::from_value(serde_json::json!("PROVISIONED")).expect("reads");
        assert_eq!(read, BillingMode::Provisioned);
        // A mode AWS adds later is kept as it is, so a read-back shows it.
        let later = BillingMode::from_aws("SOMETHING_NEW");
        assert_eq!(later, BillingMode::Other("SOMETHING_NEW".into()));
        assert_eq!(
            serde_json::to_value(&later).ok(),
            Some(serde_json::json!("SOMETHING_NEW"))
        );
        assert!(BillingMode::Provisioned == "PROVISIONED");
    }
}
