using System.Net;
using System.Net.Sockets;

namespace Parley.Client;

/// <summary>
/// Wraps the connected stream before it is used, e.g. in an <c>SslStream</c> that authenticates the
/// server: this is where TLS plugs in. If it throws, the caller disposes <paramref name="stream"/>.
/// </summary>
public delegate ValueTask<Stream> StreamWrapper(Stream stream, ParleyEndpoint endpoint, CancellationToken cancellationToken);

/// <summary>Opens TCP connections to a Parley server.</summary>
public static class TcpTransport
{
    /// <summary>
    /// Resolves <paramref name="endpoint"/>'s host and connects to its addresses in turn until one accepts.
    /// </summary>
    /// <param name="endpoint">The server.</param>
    /// <param name="wrap">Optional stream wrapper (TLS); <c>null</c> for plain TCP.</param>
    /// <param name="cancellationToken">Cancels resolving and connecting.</param>
    /// <exception cref="ParleyConnectionException">No address accepted the connection.</exception>
    public static async Task<StreamTransport> ConnectAsync(
        ParleyEndpoint endpoint, StreamWrapper? wrap = null, CancellationToken cancellationToken = default)
    {
        IPAddress[] addresses;
        try
        {
            addresses = IPAddress.TryParse(endpoint.Host, out IPAddress? literal)
                ? [literal]
                : await Dns.GetHostAddressesAsync(endpoint.Host, cancellationToken).ConfigureAwait(false);
        }
        catch (SocketException ex)
        {
            throw new ParleyConnectionException($"cannot resolve {endpoint.Host}: {ex.Message}", ex);
        }

        SocketException? last = null;
        foreach (IPAddress address in addresses)
        {
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(new IPEndPoint(address, endpoint.Port), cancellationToken).ConfigureAwait(false);
            }
            catch (SocketException ex)
            {
                socket.Dispose();
                last = ex;
                continue;
            }
            catch
            {
                socket.Dispose();
                throw;
            }

            Stream stream = new NetworkStream(socket, ownsSocket: true);
            if (wrap is not null)
            {
                try
                {
                    stream = await wrap(stream, endpoint, cancellationToken).ConfigureAwait(false);
                }
                catch
                {
                    await stream.DisposeAsync().ConfigureAwait(false);
                    throw;
                }
            }

            return new StreamTransport(stream, endpoint.ToString());
        }

        throw new ParleyConnectionException(
            last is null ? $"{endpoint.Host} has no addresses" : $"cannot connect to {endpoint}: {last.Message}", last);
    }
}
