// Placeholder replaced by the native-codec work; never fails the install.
