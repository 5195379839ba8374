using Parley.Server.Storage;

namespace Parley.Server.Chat;

/// <summary>
/// An account's rooms, kept in the store so that they outlive the connection (issue 5; docs/PROTOCOL.md
/// "History and read markers"): written on Join, deleted on Part, Kick and Ban, listed in Welcome.rooms.
/// </summary>
internal sealed partial class Session
{
    private void RememberMembership(Room room)
    {
        if (AccountKey is not { } account)
        {
            return;
        }

        // The join itself has happened and stands: a store that can't take the row costs the account only
        // the memory of this room at its next login, which the log says.
        WriteMembership(account, room.Name, "stored", () =>
            Accounts.Store.SaveMembership(account, room.Key, room.Name, _context.Time.GetUtcNow().ToUnixTimeMilliseconds()));
    }

    /// <summary>
    /// This connection left <paramref name="room"/>, or was put out of it (any thread). The account stops being
    /// a member unless another of its connections is still in the room.
    /// </summary>
    public void ForgetMembership(Room room) => ForgetMembership(room.Key, room.Name);

    /// <summary>The account may not come back in (banned, or not invited to an invite-only room): no use remembering the room.</summary>
    private void ForgetMembership(string roomKey, string roomName)
    {
        if (AccountKey is { } account && !_context.Hub.SessionsOf(account).Any(s => s != this && s.FindMembership(roomKey) is not null))
        {
            WriteMembership(account, roomName, "deleted", () => Accounts.Store.DeleteMembership(account, roomKey));
        }
    }

    private void WriteMembership(string account, string roomName, string change, Action write)
    {
        try
        {
            lock (_context.StoreWriteGate)
            {
                write();
            }
        }
        catch (StoreUnavailableException ex)
        {
            Log.MembershipNotStored(_context.Logger, Connection.Id, account, roomName, change, ex.Message);
        }
    }
}
