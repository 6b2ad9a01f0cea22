//! Lambda: functions (created once their role is assumable, updated only
//! when the last update has finished) and invoke permissions.

mod function;
mod permission;

use super::Aws;

impl Aws {
    pub(super) async fn lambda(&self, region: &str) -> aws_sdk_lambda::Client {
        aws_sdk_lambda::Client::new(&self.config(region).await)
    }
}
