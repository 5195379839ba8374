using System.Net.Security;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Core.Features;

namespace Parley.Server.Tls;

/// <summary>
/// Lets OpenSSL free a TLS connection's record buffers whenever they are empty (<c>SSL_MODE_RELEASE_BUFFERS</c>),
/// so an idle connection does not hold them (issue 6, docs/BENCHMARKS.md "Idle memory, 2026-11-24").
/// </summary>
/// <remarks>
/// <para>
/// On Linux <see cref="SslStream"/> runs OpenSSL over memory BIOs. OpenSSL gives every <c>SSL</c> object a read
/// buffer and a write buffer of about 17 KiB each on its first read and write and, by default, keeps both until the
/// connection closes: 34 KiB per connection, when an idle TLS connection cost this server 45.5 KiB in all (its
/// <c>malloc</c> arenas grew by 32 KiB per connection, its managed heap by 10). Released, it costs 29.7 KiB.
/// .NET 10 offers no setting for the mode (not in <see cref="SslServerAuthenticationOptions"/>, no AppContext
/// switch or environment variable, and OpenSSL's configuration file has no command for it), so it is set here,
/// after the handshake, with OpenSSL's documented calls: <c>SSL_set_mode</c> (the
/// <c>SSL_ctrl(ssl, SSL_CTRL_MODE, ...)</c> it expands to) and <c>SSL_free_buffers</c>, which frees the buffers
/// the handshake left behind if nothing is pending in them.
/// With the mode set OpenSSL allocates a buffer for each record and frees it once the record is consumed or sent
/// (nginx sets the same mode on every connection); in fan-out over TLS the cost did not show (709 against 700 ns of
/// server CPU per delivery, within the runs' spread).
/// </para>
/// <para>
/// Reaching the <c>SSL*</c> takes one private field of <see cref="SslStream"/> (<c>_securityContext</c>, whose
/// handle on Linux is the <c>SSL*</c>, type <c>SafeSslHandle</c>). Every step is checked: another platform, another
/// runtime layout, an OpenSSL library that does not load or lacks the functions, all leave the connection as it
/// was (it works, and keeps its buffers) and <see cref="Unavailable"/> says why; the server logs that once.
/// </para>
/// <para>
/// It must run before anything reads or writes the stream: an <c>SSL</c> object is not safe to change during a
/// read or write on another thread. The connection middleware runs after Kestrel's handshake and before the
/// connection handler starts its loops, when nothing else touches the stream.
/// </para>
/// </remarks>
internal static class OpenSslIdleBuffers
{
    // openssl/ssl.h: #define SSL_CTRL_MODE 33, #define SSL_MODE_RELEASE_BUFFERS 0x00000010U (stable since 1.0.0).
    private const int SslCtrlMode = 33;
    internal const long ReleaseBuffersMode = 0x10;

    private static readonly Native? s_native = Native.Load(out s_unavailable);
    private static readonly string? s_unavailable;

    /// <summary>Null when buffers can be released here; otherwise why not (logged once at the server's start).</summary>
    internal static string? Unavailable => s_unavailable;

    /// <summary>
    /// A connection middleware for after <c>UseHttps</c>: releases the connection's buffers when idle, then goes on
    /// to <paramref name="next"/> whatever happened.
    /// </summary>
    internal static ConnectionDelegate Middleware(ConnectionDelegate next) => connection =>
    {
        if (connection.Features.Get<ISslStreamFeature>()?.SslStream is { } stream)
        {
            TryRelease(stream);
        }

        return next(connection);
    };

    /// <summary>
    /// Sets <c>SSL_MODE_RELEASE_BUFFERS</c> on the stream's OpenSSL connection and frees its unused buffers. Call it
    /// after the handshake and before any read or write. False (nothing changed) when it is not possible here.
    /// </summary>
    internal static bool TryRelease(SslStream stream)
    {
        if (s_native is null)
        {
            return false;
        }

        return s_native.WithSsl(stream, static (native, ssl) =>
        {
            native.Ctrl(ssl, SslCtrlMode, (nint)ReleaseBuffersMode, 0);
            native.FreeBuffers(ssl);
            return 1;
        }) == 1;
    }

    /// <summary>The stream's OpenSSL mode bits (<c>SSL_get_mode</c>), or -1 when they cannot be read here. For tests.</summary>
    internal static long Mode(SslStream stream) =>
        s_native?.WithSsl(stream, static (native, ssl) => native.Ctrl(ssl, SslCtrlMode, 0, 0)) ?? -1;

    private sealed class Native
    {
        [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
        private delegate nint SslCtrlFn(nint ssl, int cmd, nint larg, nint parg);

        [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
        private delegate int SslFreeBuffersFn(nint ssl);

        private readonly SslCtrlFn _ctrl;
        private readonly SslFreeBuffersFn _freeBuffers;
        private readonly FieldInfo _context;

        private Native(SslCtrlFn ctrl, SslFreeBuffersFn freeBuffers, FieldInfo context)
        {
            _ctrl = ctrl;
            _freeBuffers = freeBuffers;
            _context = context;
        }

        public nint Ctrl(nint ssl, int cmd, nint larg, nint parg) => _ctrl(ssl, cmd, larg, parg);

        public int FreeBuffers(nint ssl) => _freeBuffers(ssl);

        /// <summary>Runs <paramref name="action"/> on the stream's <c>SSL*</c>, held alive meanwhile; -1 without one.</summary>
        public long WithSsl(SslStream stream, Func<Native, nint, nint> action)
        {
            // Only the Linux layout is known: the context is a SafeSslHandle whose handle is the SSL*.
            if (_context.GetValue(stream) is not SafeHandle context || context.GetType().Name != "SafeSslHandle" || context.IsInvalid)
            {
                return -1;
            }

            bool added = false;
            try
            {
                context.DangerousAddRef(ref added);
                return action(this, context.DangerousGetHandle());
            }
            catch (ObjectDisposedException)
            {
                // The connection closed meanwhile; nothing to release.
                return -1;
            }
            finally
            {
                if (added)
                {
                    context.DangerousRelease();
                }
            }
        }

        public static Native? Load(out string? unavailable)
        {
            if (!OperatingSystem.IsLinux())
            {
                unavailable = "SslStream uses OpenSSL only on Linux";
                return null;
            }

            FieldInfo? context = typeof(SslStream).GetField("_securityContext", BindingFlags.Instance | BindingFlags.NonPublic);
            if (context is null || !typeof(SafeHandle).IsAssignableFrom(context.FieldType))
            {
                unavailable = "this runtime's SslStream does not keep its OpenSSL handle where .NET 10 does";
                return null;
            }

            // The libssl that .NET loaded: its major version is libcrypto's (they ship together). Loading it by its
            // soname again returns the copy already in the process, so the SSL* belongs to the same library.
            long version;
            try
            {
                version = SafeEvpPKeyHandle.OpenSslVersion;
            }
            catch (Exception ex) when (ex is PlatformNotSupportedException or DllNotFoundException or EntryPointNotFoundException or TypeInitializationException)
            {
                unavailable = $"OpenSSL's version is unknown ({ex.GetType().Name})";
                return null;
            }

            string library = (version >> 28) switch
            {
                3 => "libssl.so.3",
                1 => "libssl.so.1.1",
                _ => "",
            };
            if (library.Length == 0 || !NativeLibrary.TryLoad(library, out nint handle))
            {
                unavailable = $"libssl for OpenSSL 0x{version:x} did not load";
                return null;
            }

            if (!NativeLibrary.TryGetExport(handle, "SSL_ctrl", out nint ctrl) || !NativeLibrary.TryGetExport(handle, "SSL_free_buffers", out nint freeBuffers))
            {
                unavailable = $"{library} lacks SSL_ctrl or SSL_free_buffers";
                return null;
            }

            unavailable = null;
            return new Native(
                Marshal.GetDelegateForFunctionPointer<SslCtrlFn>(ctrl),
                Marshal.GetDelegateForFunctionPointer<SslFreeBuffersFn>(freeBuffers),
                context);
        }
    }
}
