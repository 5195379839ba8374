using System.Diagnostics.CodeAnalysis;
using Parley.Protocol.Messages;

namespace Parley.Protocol;

/// <summary>The root of Parley's own exceptions.</summary>
public class ParleyException : Exception
{
    public ParleyException() { }

    public ParleyException(string message) : base(message) { }

    public ParleyException(string message, Exception? inner) : base(message, inner) { }
}

/// <summary>
/// The peer broke the wire protocol. <see cref="Code"/> is what goes into the error frame sent
/// before the connection is closed.
/// </summary>
public sealed class ProtocolViolationException : ParleyException
{
    public ProtocolViolationException() : this(ErrorCode.MalformedFrame, "malformed frame") { }

    public ProtocolViolationException(string message) : this(ErrorCode.MalformedFrame, message) { }

    public ProtocolViolationException(string message, Exception? inner) : base(message, inner) => Code = ErrorCode.MalformedFrame;

    public ProtocolViolationException(ErrorCode code, string message, Exception? inner = null) : base(message, inner) => Code = code;

    public ErrorCode Code { get; }

    [DoesNotReturn]
    public static void Throw(ErrorCode code, string message) => throw new ProtocolViolationException(code, message);
}
