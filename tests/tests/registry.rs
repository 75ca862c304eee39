//! The plugin registry and configuration: channels found by name, unknown
//! names listing the available ones, secrets as `env:VAR`, no secret printed.

use switchboard::{ErrorKind, Message, Registry, Switchboard};
use switchboard_emulator::Emulator;
use switchboard_tests as _;

#[test]
fn registered_channels_are_found_by_name() {
    let registry = Registry::discover().unwrap();
    assert_eq!(registry.get("whatsapp").unwrap().name(), "whatsapp");
    assert_eq!(registry.get("messenger").unwrap().name(), "messenger");
    assert_eq!(registry.get("telegram").unwrap().name(), "telegram");
}

#[test]
fn an_unknown_name_lists_the_available_channels() {
    let registry = Registry::discover().unwrap();
    let err = registry.get("signal").unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Config);
    let text = err.to_string();
    assert!(text.contains("signal"), "{text}");
    assert!(
        text.contains("messenger, smsgate, telegram, whatsapp"),
        "{text}"
    );

    let err = Switchboard::from_toml_str("[channels.sig]\ntype = \"signal\"\n").unwrap_err();
    assert!(
        err.to_string()
            .contains("messenger, smsgate, telegram, whatsapp"),
        "{err}"
    );
}

#[test]
fn a_channel_name_defined_twice_is_an_error() {
    let config =
        "[channels.support]\ntype = \"whatsapp\"\n[channels.support]\ntype = \"messenger\"\n";
    let err = Switchboard::from_toml_str(config).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Config);
    assert!(err.to_string().contains("support"), "{err}");

    let mut sb = Switchboard::new();
    let emu_free_channel = || {
        std::sync::Arc::new(
            switchboard_whatsapp::WhatsApp::new(
                "x",
                switchboard_whatsapp::WhatsAppConfig::cloud("1", switchboard::Secret::new("t")),
            )
            .unwrap(),
        )
    };
    sb.add("x", emu_free_channel()).unwrap();
    let err = sb.add("x", emu_free_channel()).unwrap_err();
    assert!(err.to_string().contains("already configured"), "{err}");
}

#[test]
fn unknown_channel_instance_lists_the_configured_ones() {
    let sb = Switchboard::from_toml_str(
        "[channels.a]\ntype = \"whatsapp\"\nphone_number_id = \"1\"\naccess_token = \"t\"\n",
    )
    .unwrap();
    let err = sb.channel("b").unwrap_err();
    assert!(err.to_string().contains("configured: a"), "{err}");
}

#[tokio::test]
async fn secrets_come_from_env_references_and_never_print() {
    let emulator = Emulator::start().await.unwrap();
    std::env::set_var("SWITCHBOARD_TEST_WA_TOKEN", emulator.access_token());
    let config = format!(
        "[channels.support]\ntype = \"whatsapp\"\nphone_number_id = \"{}\"\naccess_token = \"env:SWITCHBOARD_TEST_WA_TOKEN\"\nbase_url = \"{}\"\n",
        switchboard_whatsapp::emulator::EMULATOR_PHONE_NUMBER_ID,
        emulator.platform_base_url("whatsapp")
    );
    let sb = Switchboard::from_toml_str(&config).unwrap();
    let to = emulator.sample_recipient("whatsapp").unwrap();
    sb.send("support", &Message::text(to, "hi")).await.unwrap();
    assert!(!format!("{sb:?}").contains(emulator.access_token()));
    let channel = sb.channel("support").unwrap();
    assert!(!format!("{:?}", channel.info()).contains(emulator.access_token()));

    let err = Switchboard::from_toml_str(
        "[channels.s]\ntype = \"whatsapp\"\nphone_number_id = \"1\"\naccess_token = \"env:SWITCHBOARD_TEST_UNSET_VAR\"\n",
    )
    .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Config);
    assert!(
        err.to_string().contains("SWITCHBOARD_TEST_UNSET_VAR"),
        "{err}"
    );
}

#[test]
fn config_debug_never_shows_a_literal_token() {
    let token = "EAAG-literal-token-in-config";
    let configs = switchboard::parse_channel_configs(&format!(
        "[channels.m]\ntype = \"messenger\"\npage_id = \"1\"\naccess_token = \"{token}\"\n"
    ))
    .unwrap();
    assert!(!format!("{configs:?}").contains(token));
    let parsed = switchboard_messenger::MessengerConfig::from_config(&configs[0]).unwrap();
    assert!(!format!("{parsed:?}").contains(token));
    let channel = switchboard_messenger::Messenger::new("m", parsed).unwrap();
    assert!(!format!("{channel:?}").contains(token));
}

#[test]
fn bad_settings_name_the_channel_and_the_setting() {
    let err = Switchboard::from_toml_str(
        "[channels.s]\ntype = \"whatsapp\"\nphone_number_id = \"1\"\naccess_token = \"t\"\ncolour = \"blue\"\n",
    )
    .unwrap_err();
    let text = err.to_string();
    assert!(text.contains("`s`") && text.contains("colour"), "{text}");
    let err = Switchboard::from_toml_str("[channels.s]\ntype = \"whatsapp\"\n").unwrap_err();
    assert!(err.to_string().contains("access_token"), "{err}");
}

#[test]
fn each_plugin_declares_its_settings_and_refuses_others_naming_them() {
    let registry = Registry::discover().unwrap();
    for name in ["whatsapp", "messenger"] {
        let keys = registry.get(name).unwrap().config_keys();
        assert!(
            keys.iter()
                .any(|k| k.name == "access_token" && k.secret && k.required),
            "{name}"
        );
    }
    let err = Switchboard::from_toml_str(
        "[channels.shop]\ntype = \"messenger\"\npage_id = \"1\"\naccess_token = \"t\"\npageid = \"2\"\n",
    )
    .unwrap_err();
    let text = err.to_string();
    assert!(
        text.contains("`pageid`") && text.contains("page_id, access_token"),
        "{text}"
    );
    let err =
        Switchboard::from_toml_str("[channels.shop]\ntype = \"messenger\"\naccess_token = \"t\"\n")
            .unwrap_err();
    assert!(
        err.to_string().contains("needs the setting `page_id`"),
        "{err}"
    );
}

#[test]
fn webhooks_window_rules_and_samples_come_from_the_registration() {
    use switchboard::plugin::WebhookSecrets;
    use switchboard::Secret;
    let registry = Registry::discover().unwrap();
    for name in ["whatsapp", "messenger"] {
        let plugin = registry.get(name).unwrap();
        assert!(plugin.window_rule().is_some(), "{name} has a window");
        let samples = plugin.samples(switchboard::Recipient::user_id("1"));
        assert!(samples.iter().any(|s| s.name == "text"), "{name}");
        let webhooks = registry.webhooks(name).unwrap();
        let names: Vec<_> = webhooks.keys.iter().map(|k| k.name).collect();
        assert_eq!(names, ["app_secret", "verify_token"]);
        // The authentication is built from the secrets, and refuses none given.
        let missing = (webhooks.auth)(&WebhookSecrets::new(name)).err().unwrap();
        assert!(missing.to_string().contains("app_secret"), "{missing}");
        let secrets = WebhookSecrets::new(name)
            .with("app_secret", Secret::new("s"))
            .with("verify_token", Secret::new("v"));
        let auth = (webhooks.auth)(&secrets).unwrap();
        let no_headers = std::collections::HashMap::new();
        assert!(auth.verify(&no_headers, b"{}").is_err(), "unsigned refused");
        assert!((webhooks.parse)(b"{}").is_err());
    }
}
