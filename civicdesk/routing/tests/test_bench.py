from civicdesk.bench import routing_train


def test_training_benchmark_reports_size_and_time():
    result = routing_train.run({"quick": False, "cases": 600, "database_url": None, "url": None})
    assert result["n_train"] == 600
    assert result["seconds"] > 0 and result["cpu_seconds"] > 0
    assert 0 < result["top1_held_back"] <= 1
    assert result["labels"] == 12
