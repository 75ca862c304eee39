//! A second plugin registered under a name already taken makes discovery fail.
//! (A test binary of its own: the extra registration would break the others.)

use std::sync::Arc;

use switchboard::plugin::{ChannelConfig, ChannelPlugin};
use switchboard::{register_channel, Channel, Error, ErrorKind};
use switchboard_tests as _;

fn build(_: &ChannelConfig) -> Result<Arc<dyn Channel>, Error> {
    Err(Error::config("never built"))
}

register_channel!(ChannelPlugin::new("whatsapp", "an impostor", build));

#[test]
fn a_duplicate_plugin_name_is_an_error() {
    let err = switchboard::Registry::discover().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Config);
    assert!(err.to_string().contains("`whatsapp`"), "{err}");
    let err = switchboard::Switchboard::from_toml_str("").unwrap_err();
    assert!(
        err.to_string().contains("registered under the name"),
        "{err}"
    );
}
