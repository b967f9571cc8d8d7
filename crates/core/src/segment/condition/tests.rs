use super::*;
use crate::segment::DeviceClass;

fn facts(context: &VisitorContext) -> Facts<'_> {
    Facts {
        context,
        consent: true,
    }
}

fn test(field: &str, test: Test) -> Condition {
    Condition::Test(Field::parse(field).unwrap(), test)
}

#[test]
fn each_operator() {
    let c = VisitorContext {
        device: DeviceClass::Mobile,
        languages: vec!["fr".into(), "de".into()],
        local_hour: Some(20),
        referrer: Some("news.example.org".into()),
        cookies: vec![("plan".into(), "Pro".into())],
        ..VisitorContext::default()
    };
    let f = facts(&c);
    assert!(test("device", Test::Equals(Value::Text("mobile".into())))
        .check(f)
        .is_ok());
    assert!(test("languages", Test::In(vec!["de".into()]))
        .check(f)
        .is_ok());
    assert_eq!(
        test("language", Test::In(vec!["de".into()])).check(f),
        Err("language=fr".into())
    );
    assert!(test("referrer", Test::Prefix("news.".into()))
        .check(f)
        .is_ok());
    assert!(test("local_hour", Test::Range(18.0, 23.0)).check(f).is_ok());
    assert!(test("local_hour", Test::Range(6.0, 11.0)).check(f).is_err());
    let re = regex_lite::Regex::new(r"(^|\.)example\.org$").unwrap();
    assert!(test("referrer", Test::Regex(re)).check(f).is_ok());
    assert!(test("cookie.plan", Test::Equals(Value::Text("pro".into())))
        .check(f)
        .is_ok());
    assert!(test("utm_source", Test::Present(false)).check(f).is_ok());
    assert_eq!(
        test("utm_source", Test::Present(true)).check(f),
        Err("utm_source=(none)".into())
    );
    assert!(test("consent", Test::Equals(Value::Flag(true)))
        .check(f)
        .is_ok());
    assert!(test("save_data", Test::Equals(Value::Flag(false)))
        .check(f)
        .is_ok());
}

#[test]
fn combinators_and_their_reasons() {
    let c = VisitorContext::default();
    let mobile = test("device", Test::In(vec!["mobile".into()]));
    let desktop = test("device", Test::In(vec!["desktop".into()]));
    assert!(Condition::Any(vec![mobile.clone(), desktop.clone()])
        .check(facts(&c))
        .is_ok());
    assert_eq!(
        Condition::All(vec![desktop.clone(), mobile.clone()]).check(facts(&c)),
        Err("device=desktop".into())
    );
    assert!(Condition::Not(Box::new(mobile.clone()))
        .check(facts(&c))
        .is_ok());
    assert!(Condition::All(vec![]).always());
    assert!(Condition::Any(vec![]).never());
    assert!(test("device", Test::In(vec![])).never());
    assert!(Condition::Not(Box::new(Condition::Any(vec![]))).always());
    assert!(!mobile.always() && !mobile.never());
}

#[test]
fn field_names_round_trip() {
    for name in Field::NAMES.split(", ") {
        let name = name.replace("<name>", "session_id");
        let field = Field::parse(&name).unwrap();
        assert_eq!(field.name(), name);
    }
    assert!(Field::parse("cookie.").is_none());
    assert!(Field::parse("cookie.a b").is_none());
    assert!(Field::parse("colour").is_none());
}
