"""Sharing a yearly budget among the councils in whole euros by the largest remainder method (Hamilton).

Each council's exact share is ``total × weight / sum of weights``; every council first gets the whole euros of its
share, and the euros left over go one each to the councils with the largest fractional remainders (ties: the
smaller district number first). So the shares add up to the total exactly: no euro is left unallocated or
allocated twice. Pure functions, no database.
"""

from fractions import Fraction


def largest_remainder(total: int, weights: dict) -> dict:
    """``weights``: key → non-negative int (keys sortable: the tie-break order). Returns key → whole euros."""
    if total < 0:
        raise ValueError("total must not be negative")
    if not weights:
        return {}
    if any(weight < 0 for weight in weights.values()):
        raise ValueError("weights must not be negative")
    weight_sum = sum(weights.values())
    if weight_sum == 0:
        raise ValueError("at least one weight must be positive")
    exact = {key: Fraction(total * weight, weight_sum) for key, weight in weights.items()}
    shares = {key: int(share) for key, share in exact.items()}  # floor: shares are not negative
    left = total - sum(shares.values())
    order = sorted(weights, key=lambda key: (-(exact[key] - shares[key]), key))
    for key in order[:left]:
        shares[key] += 1
    return shares
