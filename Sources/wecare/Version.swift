/// The one place wecare's version is written; `wecare --version` prints it.
enum WecareVersion {
    static let string = "0.1.0"
}
