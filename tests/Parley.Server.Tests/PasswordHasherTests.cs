using Parley.Server.Accounts;

namespace Parley.Server.Tests;

public sealed class PasswordHasherTests
{
    private static readonly PasswordHasher Hasher = new();

    [Fact]
    public void A_hash_is_a_phc_string_that_verifies_only_its_password()
    {
        string phc = Hasher.Hash("pässwörd 🔑");

        Assert.Matches(@"^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$", phc);
        Assert.True(Hasher.Verify("pässwörd 🔑", phc, out bool rehash));
        Assert.False(rehash);
        Assert.False(Hasher.Verify("pässwörd", phc, out _));
        Assert.NotEqual(phc, Hasher.Hash("pässwörd 🔑"));
    }

    [Fact]
    public void A_hash_made_with_weaker_parameters_verifies_and_asks_for_a_rehash()
    {
        string weak = new PasswordHasher(AccountOptions.MinimumMemoryKiB, 2).Hash("password");
        var stronger = new PasswordHasher(AccountOptions.MinimumMemoryKiB, 3);

        Assert.True(stronger.Verify("password", weak, out bool rehash));
        Assert.True(rehash);
        Assert.True(PasswordHasher.TryReadParameters(stronger.Hash("password"), out int m, out int t, out int p));
        Assert.Equal((19456, 3, 1), (m, t, p));
    }

    [Theory]
    [InlineData("")]
    [InlineData("plaintext")]
    [InlineData("$argon2i$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g")]
    [InlineData("$argon2id$v=16$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g")]
    [InlineData("$argon2id$v=19$m=19456,t=2,p=4$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g")]
    [InlineData("$argon2id$v=19$m=99999999,t=2,p=1$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g")]
    [InlineData("$argon2id$v=19$m=19456,t=2,p=1$not base64!$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g")]
    [InlineData("$argon2id$v=19$m=19456,t=2,p=1,x=3$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g")]
    public void Strings_that_are_not_a_checkable_argon2id_hash_never_verify(string phc)
    {
        Assert.False(Hasher.Verify("password", phc, out _));
    }

    [Fact]
    public void A_tampered_hash_does_not_verify()
    {
        string phc = Hasher.Hash("password");
        char last = phc[^2];
        string tampered = phc[..^2] + (last == 'A' ? 'B' : 'A') + phc[^1];

        Assert.False(Hasher.Verify("password", tampered, out _));
    }
}
