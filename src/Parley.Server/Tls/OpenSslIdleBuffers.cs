using System.Net.Security;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Security.Cryptography;

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
/// read or write on another thread. <see cref="AfterHandshake"/> runs after the server's handshake and before the
/// connection's loops start, when nothing else touches the stream.
/// </para>
/// <para>
/// The memory BIOs are the other half (<see cref="ReleaseIdleBios"/>). SslStream hands every record it receives to
/// OpenSSL through one memory BIO and takes every record OpenSSL writes out of another, and a memory BIO keeps its
/// buffer at the largest size it ever held: one 16 KiB message received left about 7 KiB per idle TLS connection
/// for good (docs/BENCHMARKS.md "TLS connections after a large message"). When a BIO is empty, its buffer is swapped
/// for a new empty one (<c>BIO_set_mem_buf</c>, which frees the old), under the lock SslStream takes around every
/// encryption and decryption (<c>_handshakeLock</c>, a private property), so it is safe while the connection's
/// loops run. The connection does it once it has been quiet for a heartbeat after using the stream.
/// </para>
/// </remarks>
internal static class OpenSslIdleBuffers
{
    // openssl/ssl.h: #define SSL_CTRL_MODE 33, #define SSL_MODE_RELEASE_BUFFERS 0x00000010U (stable since 1.0.0).
    private const int SslCtrlMode = 33;
    internal const long ReleaseBuffersMode = 0x10;

    // openssl/bio.h: BIO_TYPE_MEM (1 | BIO_TYPE_SOURCE_SINK), BIO_CTRL_GET_CLOSE, BIO_CTRL_PENDING, BIO_CLOSE,
    // BIO_C_SET_BUF_MEM, BIO_C_GET_BUF_MEM_PTR and BIO_FLAGS_MEM_RDONLY (all unchanged since OpenSSL 1.0).
    private const int BioTypeMem = 0x0401;
    private const int BioCtrlGetClose = 8;
    private const int BioCtrlPending = 10;
    private const int BioClose = 1;
    private const int BioSetBufMem = 114;
    private const int BioGetBufMemPtr = 115;
    private const int BioFlagsMemReadOnly = 0x200;

    /// <summary>A BIO buffer smaller than this is left alone: freeing it would only mean allocating it again.</summary>
    internal const int KeptBioBytes = 1024;

    private static readonly Native? s_native = Native.Load(out s_unavailable);
    private static readonly string? s_unavailable;

    /// <summary>Null when buffers can be released here; otherwise why not (logged once at the server's start).</summary>
    internal static string? Unavailable => s_unavailable;

    /// <summary>
    /// Right after the server's handshake, before the connection's loops touch the stream: sets the release mode and
    /// frees what the handshake's records left in the memory BIOs. Does nothing where that is not possible here.
    /// </summary>
    internal static void AfterHandshake(SslStream stream)
    {
        if (TryRelease(stream))
        {
            ReleaseIdleBios(stream);
        }
    }

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

    /// <summary>
    /// Frees the buffers of the stream's two memory BIOs if they are empty and at least <see cref="KeptBioBytes"/>.
    /// Safe while the stream is in use (SslStream's own lock is held meanwhile). Returns the bytes freed; 0 when
    /// nothing was, or it is not possible here.
    /// </summary>
    internal static long ReleaseIdleBios(SslStream stream)
    {
        if (s_native is not { CanReleaseBios: true } native)
        {
            return 0;
        }

        // -1 when the stream has closed meanwhile: nothing freed.
        return Math.Max(0, native.WithSslLocked(stream, static (native, ssl) => native.ReleaseBio(native.ReadBio(ssl)) + native.ReleaseBio(native.WriteBio(ssl))));
    }

    /// <summary>True when <see cref="ReleaseIdleBios"/> can work here (the platform, the runtime's layout, OpenSSL).</summary>
    internal static bool CanReleaseBios => s_native?.CanReleaseBios == true;

    /// <summary>
    /// The allocated sizes of the stream's input and output BIO buffers, or (-1, -1) when they cannot be read here.
    /// For tests.
    /// </summary>
    internal static (long Input, long Output) BioCapacity(SslStream stream)
    {
        if (s_native is not { CanReleaseBios: true } native)
        {
            return (-1, -1);
        }

        long input = -1;
        long output = native.WithSslLocked(stream, (native, ssl) =>
        {
            input = native.Capacity(native.ReadBio(ssl));
            return native.Capacity(native.WriteBio(ssl));
        });
        return (input, output);
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

        [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
        private delegate nint BioCtrlOutFn(nint bio, int cmd, nint larg, out nint parg);

        [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
        private delegate nint PointerFn(nint value);

        [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
        private delegate int IntFn(nint bio);

        [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
        private delegate int TestFlagsFn(nint bio, int flags);

        [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
        private delegate nint NewFn();

        [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
        private delegate void FreeFn(nint value);

        private readonly SslCtrlFn _ctrl;
        private readonly SslFreeBuffersFn _freeBuffers;
        private readonly FieldInfo _context;
        private readonly Bios? _bios;

        private Native(SslCtrlFn ctrl, SslFreeBuffersFn freeBuffers, FieldInfo context, Bios? bios)
        {
            _ctrl = ctrl;
            _freeBuffers = freeBuffers;
            _context = context;
            _bios = bios;
        }

        /// <summary>What releasing the memory BIOs' buffers takes; null where something is missing.</summary>
        private sealed record Bios(Func<SslStream, object?> Lock, PointerFn ReadBio, PointerFn WriteBio, SslCtrlFn BioCtrl, BioCtrlOutFn BioCtrlOut, IntFn MethodType,
            TestFlagsFn TestFlags, NewFn BufMemNew, FreeFn BufMemFree);

        public bool CanReleaseBios => _bios is not null;

        public nint Ctrl(nint ssl, int cmd, nint larg, nint parg) => _ctrl(ssl, cmd, larg, parg);

        public int FreeBuffers(nint ssl) => _freeBuffers(ssl);

        public nint ReadBio(nint ssl) => _bios!.ReadBio(ssl);

        public nint WriteBio(nint ssl) => _bios!.WriteBio(ssl);

        /// <summary>
        /// The memory BIO's buffer (its <c>BUF_MEM*</c>, whose fields <c>length</c>, <c>data</c>, <c>max</c> are
        /// public in openssl/buffer.h), or 0 when <paramref name="bio"/> is not a memory BIO this may change.
        /// </summary>
        private nint Buffer(nint bio)
        {
            Bios b = _bios!;
            if (bio == 0 || b.MethodType(bio) != BioTypeMem || b.TestFlags(bio, BioFlagsMemReadOnly) != 0
                || b.BioCtrl(bio, BioCtrlGetClose, 0, 0) != BioClose)
            {
                return 0;
            }

            return b.BioCtrlOut(bio, BioGetBufMemPtr, 0, out nint buffer) == 1 ? buffer : 0;
        }

        /// <summary>The BIO buffer's allocated size (<c>BUF_MEM.max</c>), or -1.</summary>
        public long Capacity(nint bio) => Buffer(bio) is var buffer and not 0 ? Marshal.ReadIntPtr(buffer, 2 * IntPtr.Size) : -1;

        /// <summary>Swaps an empty BIO's buffer of <see cref="KeptBioBytes"/> or more for a new empty one; the bytes freed.</summary>
        public long ReleaseBio(nint bio)
        {
            Bios b = _bios!;
            nint buffer = Buffer(bio);
            if (buffer == 0 || b.BioCtrl(bio, BioCtrlPending, 0, 0) != 0)
            {
                return 0;
            }

            long capacity = Marshal.ReadIntPtr(buffer, 2 * IntPtr.Size);
            if (capacity < KeptBioBytes)
            {
                return 0;
            }

            nint fresh = b.BufMemNew();
            if (fresh == 0)
            {
                return 0;
            }

            // BIO_set_mem_buf with BIO_CLOSE: the BIO frees its old BUF_MEM (clearing it first) and owns the new one.
            if (b.BioCtrl(bio, BioSetBufMem, BioClose, fresh) != 1)
            {
                b.BufMemFree(fresh);
                return 0;
            }

            return capacity;
        }

        /// <summary><see cref="WithSsl"/> inside SslStream's own lock around encryption and decryption.</summary>
        public long WithSslLocked(SslStream stream, Func<Native, nint, long> action)
        {
            object? gate = _bios!.Lock(stream);
            switch (gate)
            {
                case Lock l:
                    lock (l)
                    {
                        return WithSsl(stream, action);
                    }

                case not null:
                    lock (gate)
                    {
                        return WithSsl(stream, action);
                    }

                default:
                    return -1;
            }
        }

        /// <summary>Runs <paramref name="action"/> on the stream's <c>SSL*</c>, held alive meanwhile; -1 without one.</summary>
        public long WithSsl(SslStream stream, Func<Native, nint, long> action)
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
                context,
                LoadBios(handle, (version >> 28) == 3 ? "libcrypto.so.3" : "libcrypto.so.1.1"));
        }

        /// <summary>The lock field and the BIO functions, or null (the record buffers are still released then).</summary>
        private static Bios? LoadBios(nint ssl, string cryptoLibrary)
        {
            // .NET 10 declares the lock as a property (`_handshakeLock => _sslAuthenticationOptions`); a field is accepted too.
            Func<SslStream, object?>? gate = null;
            const BindingFlags Private = BindingFlags.Instance | BindingFlags.NonPublic;
            if (typeof(SslStream).GetProperty("_handshakeLock", Private)?.GetMethod is { } getter && getter.ReturnType == typeof(object))
            {
                gate = getter.CreateDelegate<Func<SslStream, object?>>();
            }
            else if (typeof(SslStream).GetField("_handshakeLock", Private) is { FieldType.IsValueType: false } field)
            {
                gate = field.GetValue;
            }

            if (gate is null || !NativeLibrary.TryLoad(cryptoLibrary, out nint crypto)
                || !NativeLibrary.TryGetExport(ssl, "SSL_get_rbio", out nint readBio) || !NativeLibrary.TryGetExport(ssl, "SSL_get_wbio", out nint writeBio)
                || !NativeLibrary.TryGetExport(crypto, "BIO_ctrl", out nint bioCtrl) || !NativeLibrary.TryGetExport(crypto, "BIO_method_type", out nint methodType)
                || !NativeLibrary.TryGetExport(crypto, "BIO_test_flags", out nint testFlags)
                || !NativeLibrary.TryGetExport(crypto, "BUF_MEM_new", out nint bufMemNew) || !NativeLibrary.TryGetExport(crypto, "BUF_MEM_free", out nint bufMemFree))
            {
                return null;
            }

            return new Bios(gate,
                Marshal.GetDelegateForFunctionPointer<PointerFn>(readBio), Marshal.GetDelegateForFunctionPointer<PointerFn>(writeBio),
                Marshal.GetDelegateForFunctionPointer<SslCtrlFn>(bioCtrl), Marshal.GetDelegateForFunctionPointer<BioCtrlOutFn>(bioCtrl),
                Marshal.GetDelegateForFunctionPointer<IntFn>(methodType),
                Marshal.GetDelegateForFunctionPointer<TestFlagsFn>(testFlags),
                Marshal.GetDelegateForFunctionPointer<NewFn>(bufMemNew), Marshal.GetDelegateForFunctionPointer<FreeFn>(bufMemFree));
        }
    }
}
