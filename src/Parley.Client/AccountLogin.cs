namespace Parley.Client;

/// <summary>
/// How a front end logs in: the account, and the password and/or a saved resume token. Applied to the
/// options of a <see cref="ParleySession"/> or a single <see cref="ParleyConnection"/>.
/// </summary>
/// <param name="Account">The account name.</param>
/// <param name="Password">The password, or empty when logging in with <paramref name="ResumeToken"/> only.</param>
/// <param name="Register">Create the account (then stay logged in to it).</param>
/// <param name="InviteCode">For <paramref name="Register"/> on a server in invite mode.</param>
/// <param name="ResumeToken">A saved token, tried before the password; empty for none.</param>
/// <param name="ResumeTokenChanged">Told of each new token, and of <c>null</c> when the saved one stopped working.</param>
public sealed record AccountLogin(
    string Account, string Password = "", bool Register = false, string InviteCode = "", string ResumeToken = "",
    Action<string?>? ResumeTokenChanged = null)
{
    /// <summary>Sets the account fields of <paramref name="options"/>; asks for a resume token whenever one can be kept.</summary>
    public void ApplyTo(ParleyConnectionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Account = Account;
        options.Password = Password;
        options.Register = Register;
        options.InviteCode = InviteCode;
        options.ResumeToken = Register ? string.Empty : ResumeToken;
        options.WantResumeToken = ResumeTokenChanged is not null;
    }

    /// <inheritdoc cref="ApplyTo(ParleyConnectionOptions)"/>
    public void ApplyTo(ParleySessionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ApplyTo(options.Connection);
        options.ResumeTokenChanged = ResumeTokenChanged;
    }

    /// <summary>The password never shows in logs or exceptions.</summary>
    public override string ToString() => $"AccountLogin {{ Account = {Account}, Register = {Register} }}";
}
