using Parley.Protocol;
using Parley.Protocol.Messages;

namespace Parley.Client;

/// <summary>The server refused a request with an <c>Error</c> reply; the connection stays open.</summary>
public sealed class ParleyRequestException : ParleyException
{
    public ParleyRequestException() : this(ErrorCode.Unspecified, "the request failed") { }

    public ParleyRequestException(string message) : this(ErrorCode.Unspecified, message) { }

    public ParleyRequestException(string message, Exception? inner) : base(message, inner) { }

    public ParleyRequestException(ErrorCode code, string message, TimeSpan? retryAfter = null) : base(message)
    {
        Code = code;
        RetryAfter = retryAfter;
    }

    /// <summary>The error code from the server's reply.</summary>
    public ErrorCode Code { get; }

    /// <summary>For <see cref="ErrorCode.RateLimited"/>: how long to wait before trying again.</summary>
    public TimeSpan? RetryAfter { get; }

    internal static ParleyRequestException FromReply(Error error) => new(
        error.Code,
        string.IsNullOrEmpty(error.Message) ? error.Code.ToString() : error.Message,
        error.RetryAfterMs > 0 ? TimeSpan.FromMilliseconds(error.RetryAfterMs) : null);
}

/// <summary>The connection is closed (or was never established), so a request cannot be answered.</summary>
public sealed class ParleyConnectionException : ParleyException
{
    public ParleyConnectionException() : this("the connection is closed") { }

    public ParleyConnectionException(string message) : base(message) { }

    public ParleyConnectionException(string message, Exception? inner) : base(message, inner) { }

    public ParleyConnectionException(DisconnectInfo info) : base($"the connection is closed: {info}") => Info = info;

    /// <summary>Why the connection closed, when it had been established.</summary>
    public DisconnectInfo? Info { get; }
}

/// <summary>No reply arrived within the request timeout. The request may still have taken effect.</summary>
public sealed class ParleyTimeoutException : ParleyException
{
    public ParleyTimeoutException() : this("the request timed out") { }

    public ParleyTimeoutException(string message) : base(message) { }

    public ParleyTimeoutException(string message, Exception? inner) : base(message, inner) { }
}
