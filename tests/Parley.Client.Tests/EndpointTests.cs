using Parley.Protocol;

namespace Parley.Client.Tests;

public class EndpointTests
{
    [Theory]
    [InlineData("example.org", "example.org", ProtocolConstants.DefaultPort)]
    [InlineData("example.org:9000", "example.org", 9000)]
    [InlineData("127.0.0.1:1", "127.0.0.1", 1)]
    [InlineData("[::1]:7000", "::1", 7000)]
    [InlineData("[::1]", "::1", ProtocolConstants.DefaultPort)]
    [InlineData("::1", "::1", ProtocolConstants.DefaultPort)]
    [InlineData("  localhost:65535 ", "localhost", 65535)]
    public void Addresses_parse_into_host_and_port(string text, string host, int port)
    {
        Assert.Equal(new ParleyEndpoint(host, port), ParleyEndpoint.Parse(text));
    }

    [Theory]
    [InlineData("")]
    [InlineData("host:")]
    [InlineData("host:0")]
    [InlineData("host:65536")]
    [InlineData("host:-1")]
    [InlineData("host:12ab")]
    [InlineData("[::1")]
    [InlineData("[::1]7000")]
    [InlineData("bad host:7000")]
    public void Malformed_addresses_are_refused_with_a_reason(string text)
    {
        Assert.False(ParleyEndpoint.TryParse(text, ProtocolConstants.DefaultPort, out _, out string? error));
        Assert.False(string.IsNullOrEmpty(error));
    }

    [Theory]
    [InlineData("::1", 7000, "[::1]:7000")]
    [InlineData("example.org", 7275, "example.org:7275")]
    public void Endpoints_print_as_they_parse(string host, int port, string text)
    {
        Assert.Equal(text, new ParleyEndpoint(host, port).ToString());
        Assert.Equal(new ParleyEndpoint(host, port), ParleyEndpoint.Parse(text));
    }
}
