//! Free-form JSON fields (a rule's `when`, an arm's `rerank` and `model` overrides) in both
//! forms of the config: as themselves in the JSON document, as JSON text in the compiled
//! form, whose format describes nothing by itself and so cannot carry an untyped value.

use serde::de::{DeserializeOwned, Error as _};
use serde::ser::Error as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

pub(crate) fn serialize<T: Serialize, S: Serializer>(value: &T, to: S) -> Result<S::Ok, S::Error> {
    if to.is_human_readable() {
        value.serialize(to)
    } else {
        serde_json::to_string(value)
            .map_err(S::Error::custom)?
            .serialize(to)
    }
}

pub(crate) fn deserialize<'de, T: DeserializeOwned, D: Deserializer<'de>>(
    from: D,
) -> Result<T, D::Error> {
    if from.is_human_readable() {
        T::deserialize(from)
    } else {
        let text = <&str>::deserialize(from)?;
        serde_json::from_str(text).map_err(D::Error::custom)
    }
}
