namespace Parley.Server.Moderation;

/// <summary>
/// Moderation rights from the weakest (docs/PROTOCOL.md "Moderation"). The first three are a room's
/// roles (the same numbers as <c>MemberRole</c>); an administrator outranks every role in every room.
/// </summary>
internal enum Rank
{
    Member = 0,
    Operator = 1,
    Owner = 2,
    Admin = 3,
}
