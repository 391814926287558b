"""RFC 6962 proofs: audit paths and consistency proofs, checked against the RFC's own
recursive definitions (written out plainly here, apart from the code under test) for every
size and leaf up to 64 and every pair of sizes up to 32, against Certificate Transparency's
reference vectors, and against proofs that were tampered with."""

from __future__ import annotations

import hashlib

import pytest

from onestop.core import merkle

# Certificate Transparency's reference leaves (RFC 6962 test data, as in test_audit).
CT_LEAVES = [
    bytes.fromhex(h)
    for h in [
        "",
        "00",
        "10",
        "2021",
        "3031",
        "40414243",
        "5051525354555657",
        "606162636465666768696a6b6c6d6e6f",
    ]
]
CT_ROOT_8 = "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"
# (leaf index, tree size, audit path) and (first size, second size, proof), from the
# reference implementation's verifier tests (transparency-dev/merkle).
CT_INCLUSION = [
    (
        0,
        8,
        [
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        ],
    ),
    (
        5,
        8,
        [
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ],
    ),
    (2, 3, ["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"]),
    (
        1,
        5,
        [
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        ],
    ),
]
CT_CONSISTENCY = [
    (
        1,
        8,
        [
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        ],
    ),
    (
        6,
        8,
        [
            "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ],
    ),
    (
        2,
        5,
        [
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        ],
    ),
    (
        6,
        7,
        [
            "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ],
    ),
]


# --- RFC 6962 section 2.1, as written: recursion over lists of raw leaf data -------------


def naive_mth(data: list[bytes]) -> bytes:
    if not data:
        return hashlib.sha256(b"").digest()
    if len(data) == 1:
        return hashlib.sha256(b"\x00" + data[0]).digest()
    k = 1
    while k * 2 < len(data):
        k *= 2
    return hashlib.sha256(b"\x01" + naive_mth(data[:k]) + naive_mth(data[k:])).digest()


def naive_path(m: int, data: list[bytes]) -> list[bytes]:
    if len(data) == 1:
        return []
    k = 1
    while k * 2 < len(data):
        k *= 2
    if m < k:
        return [*naive_path(m, data[:k]), naive_mth(data[k:])]
    return [*naive_path(m - k, data[k:]), naive_mth(data[:k])]


def naive_subproof(m: int, data: list[bytes], whole: bool) -> list[bytes]:
    if m == len(data):
        return [] if whole else [naive_mth(data)]
    k = 1
    while k * 2 < len(data):
        k *= 2
    if m <= k:
        return [*naive_subproof(m, data[:k], whole), naive_mth(data[k:])]
    return [*naive_subproof(m - k, data[k:], False), naive_mth(data[:k])]


DATA = [f"entry {n}".encode() for n in range(64)]
LEAF_HASHES = [merkle.leaf_hash(d) for d in DATA]
SUBTREES = merkle.subtrees_of(LEAF_HASHES)


def _flip(value: bytes) -> bytes:
    return bytes([value[0] ^ 8]) + value[1:]


@pytest.mark.parametrize("size", range(1, 65))
def test_every_audit_path_up_to_64_leaves_is_the_rfc_one_and_verifies(size: int) -> None:
    root = naive_mth(DATA[:size])
    assert merkle.mth(LEAF_HASHES[:size]) == root
    for index in range(size):
        path = merkle.inclusion_path(index, size, SUBTREES)
        assert path == naive_path(index, DATA[:size])
        leaf = LEAF_HASHES[index]
        assert merkle.root_from_inclusion_path(index, size, leaf, path) == root
        assert merkle.verify_inclusion(index, size, leaf, path, root)
        # The same path proves nothing for another leaf, position, size or root.
        assert not merkle.verify_inclusion(index, size, LEAF_HASHES[(index + 1) % 64], path, root)
        if size > 1:
            assert not merkle.verify_inclusion((index + 1) % size, size, leaf, path, root)
        assert not merkle.verify_inclusion(index, size * 2, leaf, path, root)
        if index < size // 2:
            assert not merkle.verify_inclusion(index, size // 2, leaf, path, root)
        assert not merkle.verify_inclusion(index, size, leaf, path, _flip(root))
        assert not merkle.verify_inclusion(index, size, leaf, [*path, root], root)
        for n in range(len(path)):
            assert not merkle.verify_inclusion(index, size, leaf, path[:n], root)
            damaged = [*path[:n], _flip(path[n]), *path[n + 1 :]]
            assert not merkle.verify_inclusion(index, size, leaf, damaged, root)


@pytest.mark.parametrize("second", range(1, 33))
def test_every_consistency_proof_up_to_32_leaves_is_the_rfc_one_and_verifies(second: int) -> None:
    second_root = naive_mth(DATA[:second])
    for first in range(1, second + 1):
        first_root = naive_mth(DATA[:first])
        proof = merkle.consistency_proof(first, second, SUBTREES)
        assert proof == naive_subproof(first, DATA[:second], True)
        assert merkle.verify_consistency(first, second, first_root, second_root, proof)
        if first == second:
            assert proof == []
            assert not merkle.verify_consistency(first, second, first_root, _flip(second_root), [])
            continue
        assert not merkle.verify_consistency(first, second, second_root, first_root, proof)
        assert not merkle.verify_consistency(first, second, _flip(first_root), second_root, proof)
        assert not merkle.verify_consistency(first, second, first_root, _flip(second_root), proof)
        assert not merkle.verify_consistency(first, second * 2, first_root, second_root, proof)
        for other in {first - 1, first + 1, first ^ 2} - {first, 0}:
            assert not merkle.verify_consistency(other, second, first_root, second_root, proof)
        assert not merkle.verify_consistency(first, second, first_root, second_root, proof[:-1])
        assert not merkle.verify_consistency(first, second, first_root, second_root, [*proof, second_root])
        for n in range(len(proof)):
            damaged = [*proof[:n], _flip(proof[n]), *proof[n + 1 :]]
            assert not merkle.verify_consistency(first, second, first_root, second_root, damaged)


def test_certificate_transparency_reference_proofs() -> None:
    leaves = [merkle.leaf_hash(d) for d in CT_LEAVES]
    subtrees = merkle.subtrees_of(leaves)
    roots = [merkle.mth(leaves[:n]) for n in range(1, 9)]
    assert roots[7].hex() == CT_ROOT_8
    for index, size, expected in CT_INCLUSION:
        path = merkle.inclusion_path(index, size, subtrees)
        assert [p.hex() for p in path] == expected
        assert merkle.verify_inclusion(index, size, leaves[index], path, roots[size - 1])
    for first, second, expected in CT_CONSISTENCY:
        proof = merkle.consistency_proof(first, second, subtrees)
        assert [p.hex() for p in proof] == expected
        assert merkle.verify_consistency(first, second, roots[first - 1], roots[second - 1], proof)


def test_degenerate_proofs_are_refused() -> None:
    leaf = LEAF_HASHES[0]
    assert merkle.verify_inclusion(0, 1, leaf, [], leaf)
    for index, size in [(0, 0), (1, 1), (2, 1), (-1, 4)]:
        assert not merkle.verify_inclusion(index, size, leaf, [], leaf)
    assert not merkle.verify_inclusion(0, 1, b"short", [], b"short")
    assert merkle.verify_consistency(0, 5, b"", LEAF_HASHES[1], [])  # the empty tree
    assert not merkle.verify_consistency(0, 5, b"", LEAF_HASHES[1], [leaf])
    assert not merkle.verify_consistency(2, 1, leaf, leaf, [])  # no travel back in time
    assert not merkle.verify_consistency(1, 2, leaf, leaf, [])  # a proof is needed
    with pytest.raises(ValueError, match="not in a tree"):
        merkle.inclusion_path(4, 4, SUBTREES)
    with pytest.raises(ValueError, match="no consistency proof"):
        merkle.consistency_proof(0, 4, SUBTREES)


def test_the_frontier_names_the_perfect_subtrees_it_completes() -> None:
    frontier = merkle.Frontier()
    completed = [node for leaf in LEAF_HASHES[:8] for node in frontier.append(leaf)]
    assert [(height, index) for height, index, _ in completed] == [
        (1, 0),
        (1, 1),
        (2, 0),
        (1, 2),
        (1, 3),
        (2, 1),
        (3, 0),
    ]
    for height, index, node in completed:
        lo = index << height
        assert node == merkle.mth(LEAF_HASHES[lo : lo + (1 << height)])
