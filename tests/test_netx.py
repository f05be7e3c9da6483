from kg.formats import union
from kg.netx import to_networkx
from kg.rdf import to_dataset


def test_netx_literals_are_attributes_and_equal_amounts_stay_apart(extractions):
    g = union(to_dataset(extractions.values()))
    graph = to_networkx(g)
    gulang = graph.nodes["https://w3id.org/fupin-kg/id/region/620622"]
    assert gulang["kind"] == "County" and gulang["label"] == "古浪县" and gulang["adminCode"] == "620622"
    assert "古浪" in gulang["aliases"]
    money = [n for n, a in graph.nodes(data=True) if a["kind"] == "MoneyFact"]
    amounts = [graph.nodes[n]["amount"] for n in money]
    assert amounts.count(1500) == 1 and amounts.count(1500000) == 1
    assert len(money) == sum(len(x.money) for x in extractions.values())
    assert not any(isinstance(n, str) and n.startswith('"') for n in graph.nodes)


def test_netx_money_fact_links_donor_and_recipient(extractions):
    graph = to_networkx(union(to_dataset([extractions["seed-jizhou-gulang.txt"]])))
    fact = next(n for n, a in graph.nodes(data=True) if a.get("amount") == 107000000)
    assert graph.has_edge(fact, "https://w3id.org/fupin-kg/id/region/120119", key="donor")
    assert graph.has_edge(fact, "https://w3id.org/fupin-kg/id/region/620622", key="recipient")
