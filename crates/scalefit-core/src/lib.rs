//! Scalefit's numeric core: parsing, learning-curve fits, bootstrap, projections and
//! permalinks. It does no IO and knows nothing of the DOM; the app and the CLI are thin
//! shells around it.
/// `Serialize` and `Deserialize` for a settings enum as its `id()` string, read back with
/// `from_id` (the listed ids name the valid ones in the error). The derived impls of
/// these enums write the same JSON; by hand they are one small function each instead
/// of serde's variant machinery (a few KB of the web page for four enums).
macro_rules! serde_by_id {
    ($t:ty, $($id:literal),+) => {
        impl serde::Serialize for $t {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.id())
            }
        }

        impl<'de> serde::Deserialize<'de> for $t {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let id = <std::borrow::Cow<'de, str>>::deserialize(d)?;
                <$t>::from_id(&id)
                    .ok_or_else(|| serde::de::Error::unknown_variant(&id, &[$($id),+]))
            }
        }
    };
}

pub mod analysis;
pub mod bootstrap;
pub mod family;
pub mod fit;
pub mod model;
pub mod num;
pub mod parse;
pub mod permalink;
pub mod presets;
pub mod project;
pub mod rules;
pub mod session;
pub mod stats;
pub mod sweep;
