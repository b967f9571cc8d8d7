//! Trained models the tests publish in place of the demo's.

/// A two-item model for desktop visitors (`o1` before `o2`), trained as version `other`: what
/// a deployment publishes after training anew, so not the model its build bundles.
pub(crate) fn other_model() -> Vec<u8> {
    let item = |id: &str| tailor_model::ItemSpec {
        id: id.into(),
        title: id.into(),
        url: format!("/p/{id}"),
        image: format!("/img/{id}.jpg"),
        category: "other".into(),
        ..Default::default()
    };
    tailor_model::encode(&tailor_model::ModelSpec {
        version: "other".into(),
        items: vec![item("o1"), item("o2")],
        segments: vec![tailor_model::SegmentSpec {
            name: "desktop".into(),
            entries: vec![(0, 2.0), (1, 1.0)],
        }],
        neighbours: Vec::new(),
    })
    .unwrap_or_default()
}
